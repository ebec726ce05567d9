using NUnit.Framework;
using Workflows.Engine.Execution;
using Workflows.Engine.Planning;
using Workflows.Engine.Runs;
using Workflows.Engine.Storage;
using Workflows.Engine.Tests.Support;

namespace Workflows.Engine.Tests.Execution;

public class WorkflowExecutorTests
{
    private const string Header = "api_version: workflows/v1\nname: t\n";

    [SetUp]
    public void Reset() => TestProbe.Reset();

    [Test]
    public async Task Run_Chain_PassesUpstreamOutputsAsPaths()
    {
        using var project = new TempProject().Write(Header + "steps:\n  a: { uses: echo, with: { text: A } }\n  b: { uses: echo, with: { text: B, inputs: ['${{ steps.a.outputs.out }}'] } }\n");
        var record = await project.RunAsync();
        Assert.That(record.Status, Is.EqualTo(RunStatus.Succeeded));
        var store = new ArtifactStore(new ProjectLayout(project.Root));
        Assert.That(File.ReadAllText(Path.Combine(store.PathOf(record.Step("b").Outputs["out"]), "value.txt")), Is.EqualTo("B|A"));
        Assert.That(record.Step("b").Metrics["chars"], Is.EqualTo(3));
    }

    [Test]
    public async Task Run_UnrelatedStepDoneBefore_LineageListsAncestorsOnly()
    {
        using var project = new TempProject().Write(Header + "steps:\n  a: { uses: echo, with: { text: A, delay_ms: 300 } }\n  c: { uses: echo, with: { text: C } }\n" +
            "  b: { uses: echo, with: { text: B, inputs: ['${{ steps.a.outputs.out }}'] } }\n");
        var record = await project.RunAsync();
        Assert.That(record.Status, Is.EqualTo(RunStatus.Succeeded));
        var lineage = TestProbe.Lineages["b"];
        Assert.That(lineage.Keys, Has.Member("input.a.out"));
        Assert.That(lineage.Keys, Has.No.Member("input.c.out"), "c is no ancestor of b");
        Assert.That(TestProbe.FinishedSteps.ToList().IndexOf("c"), Is.LessThan(TestProbe.FinishedSteps.ToList().IndexOf("b")), "c was known when b started");
    }

    [Test]
    public async Task Run_Twice_SecondRunExecutesNothing()
    {
        using var project = new TempProject().Write(Header + "steps:\n  a: { uses: echo, with: { text: A } }\n  b: { uses: echo, with: { inputs: ['${{ steps.a.outputs.out }}'] } }\n");
        await project.RunAsync();
        TestProbe.Reset();
        var second = await project.RunAsync();
        Assert.That(TestProbe.StartedSteps, Is.Empty);
        Assert.That(second.Steps.Select(s => s.State), Is.All.EqualTo(StepState.Cached));
    }

    [Test]
    public async Task Run_FailedStep_SkipsDependentsAndFailsRun()
    {
        using var project = new TempProject().Write(Header + "steps:\n  a: { uses: echo, with: { fail: true } }\n  b: { uses: echo, with: { inputs: ['${{ steps.a.outputs.out }}'] } }\n  c: { uses: echo, needs: b }\n  free: { uses: echo }\n");
        var record = await project.RunAsync();
        Assert.That(record.Status, Is.EqualTo(RunStatus.Failed));
        Assert.That(record.Step("a").State, Is.EqualTo(StepState.Failed));
        Assert.That(record.Step("a").Error, Is.EqualTo("asked to fail"));
        Assert.That(record.Step("b").State, Is.EqualTo(StepState.Skipped));
        Assert.That(record.Step("b").Error, Is.EqualTo("upstream step 'a' failed"));
        Assert.That(record.Step("c").Error, Is.EqualTo("upstream step 'b' skipped"));
        Assert.That(record.Step("free").State, Is.EqualTo(StepState.Succeeded));
    }

    [Test]
    public async Task Run_StepThrows_FailsWithTypeAndMessageAndKeepsDetailsInLog()
    {
        using var project = new TempProject().Write(Header + "steps:\n  a: { uses: echo, with: { throw: true } }\n");
        var record = await project.RunAsync();
        Assert.That(record.Step("a").Error, Does.StartWith("step type 'echo' crashed: InvalidOperationException: boom"));
        var log = File.ReadAllText(Path.Combine(project.Root, ".wf", "runs", record.Id, "logs", "a.log"));
        Assert.That(log, Does.Contain("at Workflows.Engine.Tests.Support.EchoStep"));
    }

    [Test]
    public async Task Run_StepWithoutItsOutput_Fails()
    {
        using var project = new TempProject().Write(Header + "steps:\n  a: { uses: echo, with: { skip_output: true } }\n");
        var record = await project.RunAsync();
        Assert.That(record.Step("a").Error, Is.EqualTo("step type 'echo' finished without writing its output(s): out"));
    }

    [Test]
    public async Task Run_IndependentSteps_RunConcurrently()
    {
        using var project = new TempProject().Write(Header + "steps:\n  a: { uses: echo, with: { barrier: x, text: A } }\n  b: { uses: echo, with: { barrier: x, text: B } }\n");
        var record = await project.RunAsync(request: new RunRequest { MaxParallelSteps = 2 });
        Assert.That(record.Status, Is.EqualTo(RunStatus.Succeeded), record.Step("a").Error);
    }

    [Test]
    public async Task Run_TwoStepsWithOneFingerprint_ComputeItOnceAndReuseIt()
    {
        using var project = new TempProject().Write(Header + "steps:\n  a: { uses: echo, with: { delay_ms: 300, text: same } }\n  b: { uses: echo, with: { delay_ms: 300, text: same } }\n");
        var record = await project.RunAsync(request: new RunRequest { MaxParallelSteps = 2 });
        Assert.That(record.Status, Is.EqualTo(RunStatus.Succeeded));
        Assert.That(TestProbe.StartedSteps, Has.Count.EqualTo(1));
        var reused = record.Steps.Single(s => s.State == StepState.Cached);
        Assert.That(reused.Reason, Does.StartWith($"cached (computed meanwhile by run {record.Id})"));
    }

    [Test]
    public async Task Run_DeviceSteps_NeverShareTheDevice()
    {
        using var project = new TempProject().Write(Header + "steps:\n  a: { uses: device_work, with: { tag: a } }\n  b: { uses: device_work, with: { tag: b } }\n  c: { uses: device_work, with: { tag: c } }\n");
        var record = await project.RunAsync(request: new RunRequest { MaxParallelSteps = 3, DeviceLease = new DeviceLease() });
        Assert.That(record.Status, Is.EqualTo(RunStatus.Succeeded));
        Assert.That(TestProbe.MaxOnDevice, Is.EqualTo(1));
    }

    [Test]
    public async Task Run_Timeout_FailsTheStepWithTheLimit()
    {
        using var project = new TempProject().Write(Header + "steps:\n  a: { uses: echo, timeout_minutes: 0.0005, with: { delay_ms: 5000 } }\n");
        var record = await project.RunAsync();
        Assert.That(record.Step("a").Error, Does.StartWith("timed out after 0.0005 minute(s)"));
    }

    [Test]
    public async Task Run_Cancelled_ThenResumed_DoesNotRedoFinishedSteps()
    {
        using var project = new TempProject().Write(Header + "steps:\n  a: { uses: echo, with: { text: A } }\n  b: { uses: echo, with: { delay_ms: 10000, inputs: ['${{ steps.a.outputs.out }}'] } }\n");
        using var cancel = new CancellationTokenSource();
        var running = project.RunAsync(cancellationToken: cancel.Token);
        while (!TestProbe.StartedSteps.Contains("b")) await Task.Delay(10);
        cancel.Cancel();
        var first = await running;
        Assert.That(first.Status, Is.EqualTo(RunStatus.Cancelled));
        Assert.That(first.Step("b").State, Is.EqualTo(StepState.Cancelled));

        TestProbe.Reset();
        File.WriteAllText(project.WorkflowPath, File.ReadAllText(project.WorkflowPath).Replace("delay_ms: 10000", "delay_ms: 0"));
        var stored = new RunRecordStore(new ProjectLayout(project.Root)).Load(first.Id)!;
        var resumed = await project.RunAsync(request: new RunRequest { Resume = stored });
        Assert.That(resumed.Id, Is.EqualTo(first.Id));
        Assert.That(resumed.Attempts, Is.EqualTo(2));
        Assert.That(resumed.Step("a").State, Is.EqualTo(StepState.Cached));
        Assert.That(resumed.Step("b").State, Is.EqualTo(StepState.Succeeded));
        Assert.That(TestProbe.StartedSteps, Is.EqualTo(new[] { "b" }));
    }

    [Test]
    public async Task Run_RecordOnDisk_MatchesReturnedRecord()
    {
        using var project = new TempProject().Write(Header + "steps:\n  a: { uses: echo, with: { text: A } }\n");
        var record = await project.RunAsync();
        var stored = new RunRecordStore(new ProjectLayout(project.Root)).Find("latest")!;
        Assert.That(stored.Id, Is.EqualTo(record.Id));
        Assert.That(stored.Step("a").Outputs, Is.EqualTo(record.Step("a").Outputs));
        Assert.That(stored.Status, Is.EqualTo(RunStatus.Succeeded));
    }

    [Test]
    public async Task Run_UpstreamReproducesSameOutput_DownstreamIsCached()
    {
        using var project = new TempProject().Write(Header + "params: { level: 1 }\nsteps:\n  a: { uses: echo, with: { text: A, level: '${{ params.level }}' } }\n  b: { uses: echo, with: { inputs: ['${{ steps.a.outputs.out }}'] } }\n");
        await project.RunAsync();
        TestProbe.Reset();
        var record = await project.RunAsync(overrides: new Dictionary<string, string> { ["level"] = "2" });
        Assert.That(record.Step("a").State, Is.EqualTo(StepState.Succeeded));
        Assert.That(record.Step("b").State, Is.EqualTo(StepState.Cached));
        Assert.That(record.Step("b").Reason, Is.EqualTo("cached (upstream outputs unchanged)"));
    }

    [Test]
    public async Task Run_StepUsingNoStateOrLog_CreatesNeitherFolder()
    {
        using var project = new TempProject().Write(Header + "steps:\n  a: { uses: echo, with: { text: A } }\n");
        var record = await project.RunAsync();
        Assert.That(record.Status, Is.EqualTo(RunStatus.Succeeded));
        var layout = new ProjectLayout(project.Root);
        Assert.That(Directory.Exists(layout.Checkpoints), Is.False, "no state folder for a step that never asked for one");
        Assert.That(Directory.Exists(Path.Combine(layout.Runs, record.Id, "logs")), Is.False, "no log folder for a step that logged nothing");
    }
}
