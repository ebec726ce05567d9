using Workflows.Tracking.Git;
using Workflows.Tracking.Tests.Support;

namespace Workflows.Tracking.Tests.Git;

public sealed class WorkflowTriggerReaderTests
{
    [Test]
    public void ReadDirectory_MixedWorkflows_ReadsThePushTriggersOnly()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Combine("sft.yaml"), "name: sft\non:\n  push: { branches: [main], paths: [data/**, workflows/sft.yaml] }\nsteps: {}\n");
        File.WriteAllText(temp.Combine("bare.yml"), "name: bare\non:\n  push: {}\n");
        File.WriteAllText(temp.Combine("empty.yaml"), "name: empty\non:\n  push:\n");
        File.WriteAllText(temp.Combine("single.yaml"), "name: single\non:\n  push:\n    paths: eval/**\n");
        File.WriteAllText(temp.Combine("manual.yaml"), "name: manual\nsteps: {}\n");

        var (triggers, errors) = WorkflowTriggerReader.ReadDirectory(temp.Path);

        Assert.That(errors, Is.Empty);
        Assert.That(triggers.Select(t => Path.GetFileName(t.WorkflowPath)), Is.EqualTo(new[] { "bare.yml", "sft.yaml", "single.yaml" }));
        var sft = triggers.Single(t => t.WorkflowPath.EndsWith("sft.yaml", StringComparison.Ordinal));
        Assert.That(sft.Branches, Is.EqualTo(new[] { "main" }));
        Assert.That(sft.Paths, Is.EqualTo(new[] { "data/**", "workflows/sft.yaml" }));
        Assert.That(triggers.Single(t => t.WorkflowPath.EndsWith("single.yaml", StringComparison.Ordinal)).Paths, Is.EqualTo(new[] { "eval/**" }));
    }

    [Test]
    public void ReadDirectory_BrokenFiles_ReportsEachWithLineAndColumn()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Combine("bad.yaml"), "name: [unclosed\n");
        File.WriteAllText(temp.Combine("scalar.yaml"), "on: push\n");
        File.WriteAllText(temp.Combine("wrong.yaml"), "on:\n  push:\n    branches: { main: true }\n");

        var (triggers, errors) = WorkflowTriggerReader.ReadDirectory(temp.Path);

        Assert.That(triggers, Is.Empty);
        Assert.That(errors, Has.Count.EqualTo(3));
        Assert.That(errors[0], Does.StartWith(temp.Combine("bad.yaml") + ":"));
        Assert.That(errors[1], Does.StartWith($"{temp.Combine("scalar.yaml")}:1:5 'on' must be a mapping"));
        Assert.That(errors[2], Is.EqualTo($"{temp.Combine("wrong.yaml")}:3:15 on.push.branches must be a list of globs"));
    }

    [Test]
    public void ReadDirectory_NestedPastTheLimit_ReportsItLocatedInsteadOfRecursing()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Combine("deep.yaml"), "on:\n  push: { paths: " + new string('[', 200) + new string(']', 200) + " }\n");

        var (triggers, errors) = WorkflowTriggerReader.ReadDirectory(temp.Path);

        Assert.That(triggers, Is.Empty);
        Assert.That(errors.Single(), Does.StartWith($"{temp.Combine("deep.yaml")}:2:").And.Contain("nested more than 64 levels deep"));
    }
}
