using System.Diagnostics;
using LibGit2Sharp;
using Workflows.Tracking.Git;
using Workflows.Tracking.Tests.Support;

namespace Workflows.Tracking.Tests.Git;

public sealed class TriggerMatcherTests
{
    private static readonly WorkflowTrigger Sft = new("workflows/sft.yaml", ["main"], ["data/**", "!data/notes/**"]);
    private static readonly WorkflowTrigger Eval = new("workflows/eval.yaml", ["release/*"], ["eval/**"]);
    private static readonly WorkflowTrigger Any = new("workflows/any.yaml", [], []);

    private static TestRepository Seeded(string branch = "main")
    {
        var repo = new TestRepository(branch);
        repo.Commit("seed", ("workflows/sft.yaml", "name: sft"), ("workflows/eval.yaml", "name: eval"), ("workflows/any.yaml", "name: any"),
            ("data/train.jsonl", "{}"), ("eval/cases.jsonl", "{}"), ("README.md", "hi"));
        return repo;
    }

    [Test]
    public void Match_DataChangedOnMain_ReturnsTheWorkflowWithTheMatchingPaths()
    {
        using var repo = Seeded();
        repo.Commit("data", ("data/train.jsonl", "{\"a\":1}"), ("data/new/extra.jsonl", "{}"), ("data/notes/todo.md", "x"), ("README.md", "bye"));

        var result = TriggerMatcher.Match(repo.Root, [Sft, Eval]);

        Assert.That(result.Error, Is.Null);
        Assert.That(result.Value, Has.Count.EqualTo(1));
        Assert.That(result.Value![0].WorkflowPath, Is.EqualTo("workflows/sft.yaml"));
        Assert.That(result.Value[0].ChangedPaths, Is.EqualTo(new[] { "data/new/extra.jsonl", "data/train.jsonl" }));
    }

    [Test]
    public void Match_NoPathsDeclared_OnlyTheWorkflowFileTriggers()
    {
        using var repo = Seeded();
        repo.Commit("docs", ("README.md", "bye"), ("data/train.jsonl", "x"));
        var unaffected = TriggerMatcher.Match(repo.Root, [Any]);
        repo.Commit("edit", ("workflows/any.yaml", "name: any\nversion: 2"));

        var affected = TriggerMatcher.Match(repo.Root, [Any]);

        Assert.That(unaffected.Value, Is.Empty);
        Assert.That(affected.Value!.Single().ChangedPaths, Is.EqualTo(new[] { "workflows/any.yaml" }));
    }

    [Test]
    public void Match_WorkflowFileItselfChanged_TriggersEvenOutsideItsPaths()
    {
        using var repo = Seeded();
        repo.Commit("bump", ("workflows/sft.yaml", "name: sft\nversion: 2"));

        var result = TriggerMatcher.Match(repo.Root, [Sft with { WorkflowPath = Path.Combine(repo.Root, "workflows", "sft.yaml") }]);

        Assert.That(result.Value!.Single().ChangedPaths, Is.EqualTo(new[] { "workflows/sft.yaml" }));
    }

    [Test]
    public void Match_BranchNotListed_DoesNotTriggerButGlobBranchDoes()
    {
        using var repo = Seeded("release/2.0");
        repo.Commit("change", ("data/train.jsonl", "x"), ("eval/cases.jsonl", "y"));

        var result = TriggerMatcher.Match(repo.Root, [Sft, Eval]);

        Assert.That(result.Value!.Select(m => m.WorkflowPath), Is.EqualTo(new[] { "workflows/eval.yaml" }));
    }

    [Test]
    public void Match_SinceOlderCommit_CoversEveryCommitInBetween()
    {
        using var repo = Seeded();
        var start = repo.Repository.Head.Tip.Sha;
        repo.Commit("data", ("data/train.jsonl", "x"));
        repo.Commit("docs", ("README.md", "y"));

        var lastOnly = TriggerMatcher.Match(repo.Root, [Sft]);
        var both = TriggerMatcher.Match(repo.Root, [Sft], new TriggerOptions { Since = start });

        Assert.That((lastOnly.Value!.Count, both.Value!.Count), Is.EqualTo((0, 1)));
    }

    [Test]
    public void Match_RenameOutOfWatchedFolder_CountsTheOldPath()
    {
        using var repo = Seeded();
        File.Move(Path.Combine(repo.Root, "data", "train.jsonl"), Path.Combine(repo.Root, "archive.jsonl"));
        Commands.Stage(repo.Repository, "*");
        repo.Commit("move");

        var result = TriggerMatcher.Match(repo.Root, [Sft]);

        Assert.That(result.Value!.Single().ChangedPaths, Is.EqualTo(new[] { "data/train.jsonl" }));
    }

    [Test]
    public void Match_FirstCommit_TreatsEveryFileAsChanged()
    {
        using var repo = Seeded();

        var result = TriggerMatcher.Match(repo.Root, [Sft, Eval]);
        var zero = TriggerMatcher.Match(repo.Root, [Sft], new TriggerOptions { Since = new string('0', 40) });

        Assert.That(result.Value!.Select(m => m.WorkflowPath), Is.EqualTo(new[] { "workflows/sft.yaml" }));
        Assert.That(zero.Value!.Single().ChangedPaths, Is.EqualTo(new[] { "data/train.jsonl", "workflows/sft.yaml" }));
    }

    [Test]
    public void Match_UnknownRef_FailsNamingIt()
    {
        using var repo = Seeded();

        var result = TriggerMatcher.Match(repo.Root, [Sft], new TriggerOptions { Since = "no-such-branch" });

        Assert.That(result.Error, Does.StartWith("'no-such-branch' does not name a commit"));
    }

    [Test]
    public void Match_DetachedHeadWithBranchFilters_AsksForTheBranchUnlessGiven()
    {
        using var repo = Seeded();
        repo.Commit("data", ("data/train.jsonl", "x"));
        Commands.Checkout(repo.Repository, repo.Repository.Head.Tip);

        var detached = TriggerMatcher.Match(repo.Root, [Sft]);
        var given = TriggerMatcher.Match(repo.Root, [Sft], new TriggerOptions { Branch = "main" });

        Assert.That(detached.Error, Does.Contain("HEAD is detached"));
        Assert.That(given.Value!.Single().WorkflowPath, Is.EqualTo("workflows/sft.yaml"));
    }

    [Test]
    public void Match_ShallowCloneWithoutTheParent_SaysToFetchMoreHistory()
    {
        using var origin = Seeded();
        origin.Commit("data", ("data/train.jsonl", "x"));
        using var temp = new TempDirectory();
        var clone = temp.Combine("clone");
        Git($"clone --quiet --depth 1 file://{origin.Root} {clone}");

        var result = TriggerMatcher.Match(clone, [Sft]);

        Assert.That(result.Error, Does.Contain("shallow clone").And.Contain("fetch"));
    }

    private static void Git(string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("git", arguments) { RedirectStandardError = true })!;
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, process.StandardError.ReadToEnd());
    }
}
