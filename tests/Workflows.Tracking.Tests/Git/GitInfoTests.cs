using LibGit2Sharp;
using Workflows.Tracking.Git;
using Workflows.Tracking.Tests.Support;

namespace Workflows.Tracking.Tests.Git;

public sealed class GitInfoTests
{
    [Test]
    public void Read_CleanRepositoryOnBranch_ReturnsCommitAndBranch()
    {
        using var repo = new TestRepository();
        var commit = repo.Commit("first", ("a.txt", "a"));
        Directory.CreateDirectory(Path.Combine(repo.Root, "sub"));

        var info = GitInfo.Read(Path.Combine(repo.Root, "sub"));

        Assert.That(info.Error, Is.Null);
        Assert.That(info.Value!.CommitSha, Is.EqualTo(commit.Sha));
        Assert.That(info.Value.Branch, Is.EqualTo("main"));
        Assert.That((info.Value.IsDirty, info.Value.IsDetached, info.Value.IsShallow), Is.EqualTo((false, false, false)));
        Assert.That(info.Value.ToTags(), Does.ContainKey(MlflowTags.GitCommit).WithValue(commit.Sha));
    }

    [Test]
    public void Read_TrackedFileModified_IsDirtyButUntrackedFileIsNot()
    {
        using var repo = new TestRepository();
        repo.Commit("first", ("a.txt", "a"));
        repo.Write("new.txt", "untracked");
        var clean = GitInfo.Read(repo.Root).Value!.IsDirty;

        repo.Write("a.txt", "changed");

        Assert.That((clean, GitInfo.Read(repo.Root).Value!.IsDirty), Is.EqualTo((false, true)));
    }

    [Test]
    public void Read_DetachedHead_HasNoBranch()
    {
        using var repo = new TestRepository();
        var first = repo.Commit("first", ("a.txt", "a"));
        repo.Commit("second", ("a.txt", "b"));
        Commands.Checkout(repo.Repository, first);

        var info = GitInfo.Read(repo.Root).Value!;

        Assert.That((info.IsDetached, info.Branch, info.CommitSha), Is.EqualTo((true, (string?)null, first.Sha)));
        Assert.That(info.ToTags(), Does.Not.ContainKey(MlflowTags.GitBranch));
    }

    [Test]
    public void Read_NoCommitsYet_FailsSayingToCommitFirst()
    {
        using var repo = new TestRepository();

        var info = GitInfo.Read(repo.Root);

        Assert.That(info.Succeeded, Is.False);
        Assert.That(info.Error, Does.Contain("has no commits yet; commit first"));
    }

    [Test]
    public void Read_OutsideAnyRepository_FailsNamingTheFolder()
    {
        using var temp = new TempDirectory();

        var info = GitInfo.Read(temp.Path);

        Assert.That(info.Error, Is.EqualTo($"'{temp.Path}' is not inside a git repository"));
    }

    [Test]
    public void Read_ShallowClone_IsShallow()
    {
        using var repo = new TestRepository();
        var commit = repo.Commit("first", ("a.txt", "a"));
        File.WriteAllText(Path.Combine(repo.Root, ".git", "shallow"), commit.Sha + "\n");

        Assert.That(GitInfo.Read(repo.Root).Value!.IsShallow, Is.True);
    }
}
