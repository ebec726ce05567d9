using NUnit.Framework;
using Workflows.Engine.Execution;
using Workflows.Engine.Execution.Slurm;
using Workflows.Engine.Runs;
using Workflows.Engine.Storage;
using Workflows.Engine.Tests.Support;

namespace Workflows.Engine.Tests.Execution;

/// <summary>The start every run shares (local, or with its steps as cluster jobs), and a step run as a
/// job (<see cref="StepJob"/>) in the run it started, in this process.</summary>
public class RunStartTests
{
    private const string Workflow = "api_version: workflows/v1\nname: t\nparams: { who: x }\nsteps:\n  a: { uses: echo, with: { text: A } }\n  b: { uses: echo, with: { text: B, inputs: ['${{ steps.a.outputs.out }}'] } }\n";

    [Test]
    public async Task BeginAsync_Executor_RecordsSnapshotAndTagsTheParentRunAndEveryJobStep()
    {
        using var project = new TempProject().Write(Workflow);
        var plan = project.Plan();
        var layout = new ProjectLayout(project.Root);
        var tracker = new RecordingTracker();
        using var run = await RunStart.LockAsync(layout, plan, new RunRequest { Tracker = tracker, WorkflowText = "kept text" }, CancellationToken.None);
        await run.BeginAsync(ExecutorConfig.SlurmType, CancellationToken.None);

        var store = new RunRecordStore(layout);
        Assert.That(store.IsAlive(run.Record.Id), Is.True, "the run lock is held until the run is disposed");
        Assert.That(store.ReadWorkflowSnapshot(run.Record.Id), Is.EqualTo("kept text"));
        Assert.That(store.Load(run.Record.Id)!.TrackingRunId, Is.EqualTo(run.TrackingRunId));
        Assert.That(tracker.Runs[run.TrackingRunId].Tags["wf.executor"], Is.EqualTo("slurm"));
        Assert.That(tracker.Params[run.TrackingRunId]["params.who"], Is.EqualTo("x"));

        // Each job re-reads the record; b binds a's output, which only a's job recorded (in the journal).
        foreach (var step in new[] { "a", "b" })
        {
            var done = await new StepJob(layout).RunAsync(plan, store.Load(run.Record.Id)!, step, new RunRequest { Tracker = tracker }, CancellationToken.None);
            Assert.That(done.State, Is.EqualTo(StepState.Succeeded), done.Error);
        }
        var b = tracker.Runs[tracker.RunOf("b")];
        Assert.That(b.ParentRunId, Is.EqualTo(run.TrackingRunId));
        Assert.That(b.Tags["wf.executor"], Is.EqualTo("slurm"));
        Assert.That(b.Tags["wf.run_id"], Is.EqualTo(run.Record.Id));
        run.Dispose();
        Assert.That(store.IsAlive(run.Record.Id), Is.False);
    }

    [Test]
    public async Task RunAsync_Local_ParentAndStepRunsHaveNoExecutorTag()
    {
        using var project = new TempProject().Write(Workflow);
        var tracker = new RecordingTracker();
        await project.RunAsync(request: new RunRequest { Tracker = tracker });
        Assert.That(tracker.Runs.Values.Select(r => r.Tags.ContainsKey("wf.executor")), Is.All.False);
        Assert.That(tracker.Runs, Has.Count.EqualTo(3));
    }

    [Test]
    public async Task LockAsync_RunHeldElsewhere_ThrowsRunInProgress()
    {
        using var project = new TempProject().Write(Workflow);
        var (layout, store, resume) = await FinishedRunAsync(project);
        using var other = FileLock.TryAcquire(store.LockPathOf(resume.Resume!.Id), "another wf resume");
        await Assert.ThatAsync(() => RunStart.LockAsync(layout, project.Plan(), resume, CancellationToken.None), Throws.TypeOf<RunInProgressException>());
    }

    [Test]
    public async Task LockAsync_CancelledWhileGcHoldsTheStore_ReleasesTheRunLock()
    {
        using var project = new TempProject().Write(Workflow);
        var (layout, store, resume) = await FinishedRunAsync(project);
        using (StoreLock.TryExclusive(layout))
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            await Assert.ThatAsync(() => RunStart.LockAsync(layout, project.Plan(), resume, cancel.Token), Throws.InstanceOf<OperationCanceledException>());
        }
        Assert.That(store.IsAlive(resume.Resume!.Id), Is.False, "a run that never started holds no run lock");
    }

    // A run that ended, and the request that resumes it.
    private static async Task<(ProjectLayout Layout, RunRecordStore Store, RunRequest Resume)> FinishedRunAsync(TempProject project)
    {
        var first = await project.RunAsync();
        var layout = new ProjectLayout(project.Root);
        var store = new RunRecordStore(layout);
        return (layout, store, new RunRequest { Resume = store.Load(first.Id) });
    }
}
