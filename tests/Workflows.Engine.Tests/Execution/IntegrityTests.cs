using NUnit.Framework;
using Workflows.Engine.Planning;
using Workflows.Engine.Runs;
using Workflows.Engine.Storage;
using Workflows.Engine.Tests.Support;

namespace Workflows.Engine.Tests.Execution;

/// <summary>A damaged artifact is caught before a step reads it, moved aside, and made again.</summary>
public class IntegrityTests
{
    private const string Workflow = "api_version: workflows/v1\nname: t\nsteps:\n  a: { uses: echo, with: { text: upstream-bytes } }\n  b: { uses: echo, with: { text: B, inputs: ['${{ steps.a.outputs.out }}'] } }\n";

    [SetUp]
    public void Reset() => TestProbe.Reset();

    [Test]
    public async Task Run_ReaderOfADamagedArtifact_QuarantinesItAndRerunsItsProducer()
    {
        using var project = new TempProject().Write(Workflow);
        var first = await project.RunAsync();
        var store = new ArtifactStore(new ProjectLayout(project.Root));
        var damaged = first.Step("a").Outputs["out"];
        Damage.FlipByte(Path.Combine(store.PathOf(damaged), "value.txt"));
        TestProbe.Reset();

        var second = await project.RunAsync(new StepSelection { Force = new HashSet<string> { "b" } });
        Assert.That(second.Status, Is.EqualTo(RunStatus.Succeeded), second.Step("b").Error);
        Assert.That(TestProbe.StartedSteps, Is.EqualTo(new[] { "a", "b" }));
        Assert.That(second.Step("a").State, Is.EqualTo(StepState.Succeeded));
        Assert.That(second.Step("a").Reason, Does.StartWith("re-run: its output 'out' was damaged (moved to "));
        Assert.That(store.Problems(damaged), Is.Empty, "the producer made the same bytes again");
        Assert.That(Directory.GetDirectories(Path.Combine(project.Root, ".wf", "quarantine")), Has.Length.EqualTo(1));
        Assert.That(File.ReadAllText(Path.Combine(store.PathOf(second.Step("b").Outputs["out"]), "value.txt")), Is.EqualTo("B|upstream-bytes"));
    }

    [Test]
    public async Task Run_ForcedProducerOfADamagedArtifact_ReplacesTheStoredCopy()
    {
        using var project = new TempProject().Write(Workflow);
        var first = await project.RunAsync();
        var store = new ArtifactStore(new ProjectLayout(project.Root));
        var digest = first.Step("a").Outputs["out"];
        Damage.FlipByte(Path.Combine(store.PathOf(digest), "value.txt"));

        var forced = await project.RunAsync(new StepSelection { Force = new HashSet<string> { "a" } });
        Assert.That(forced.Step("a").Outputs["out"], Is.EqualTo(digest));
        Assert.That(store.Problems(digest), Is.Empty);
    }
}
