using NUnit.Framework;
using Workflows.Engine.Execution;
using Workflows.Engine.Registry;
using Workflows.Engine.Tests.Support;
using Workflows.Engine.Tracking;

namespace Workflows.Engine.Tests.Execution;

public class StepContextTests
{
    private string _root = null!;

    [SetUp]
    public void Create() => _root = Directory.CreateTempSubdirectory("wf-context-").FullName;

    [TearDown]
    public void Remove() => Directory.Delete(_root, recursive: true);

    private StepContext Context()
    {
        var registry = new StepRegistry();
        registry.AddLibrary(new TestSteps());
        var settings = new StepContextSettings("a", "wf", "cpu", "fp", _root, new Dictionary<string, string>(),
            Path.Combine(_root, "tmp", "run1", "a"), Path.Combine(_root, "checkpoints", "fp"), Path.Combine(_root, "logs", "a.log"));
        return new StepContext(settings, registry.Find("echo")!, new SilentObserver(), new NullTracker(), "tracking-run");
    }

    [Test]
    public void CreateOutput_SitsDirectlyInTheRunsTempFolder_NoFolderForTheStep()
    {
        var context = Context();
        var output = context.CreateOutput("out");
        File.WriteAllText(Path.Combine(output, "value.txt"), "x");
        Assert.That(Directory.GetFileSystemEntries(Path.Combine(_root, "tmp", "run1")), Is.EqualTo(new[] { Path.Combine(_root, "tmp", "run1", "a.out-out") }),
            "one folder per output and nothing else");
        Assert.That(context.TempDirectory, Is.EqualTo(Path.Combine(_root, "tmp", "run1", "a.tmp")));
    }

    [Test]
    public void CleanUp_RemovesScratchAndUncommittedOutputs_AndLeavesOtherStepsAlone()
    {
        var context = Context();
        File.WriteAllText(Path.Combine(context.CreateOutput("out"), "value.txt"), "x");
        File.WriteAllText(Path.Combine(context.TempDirectory, "scratch.bin"), "y");
        var other = Directory.CreateDirectory(Path.Combine(_root, "tmp", "run1", "b.out-out")).FullName;

        context.CleanUp();

        Assert.That(Directory.GetFileSystemEntries(Path.Combine(_root, "tmp", "run1")), Is.EqualTo(new[] { other }));
    }
}
