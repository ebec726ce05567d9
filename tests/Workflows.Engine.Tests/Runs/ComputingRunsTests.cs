using NUnit.Framework;
using Workflows.Engine.Runs;
using Workflows.Engine.Storage;
using Workflows.Engine.Tests.Support;

namespace Workflows.Engine.Tests.Runs;

public class ComputingRunsTests
{
    private const string Workflow = "api_version: workflows/v1\nname: t\nsteps:\n  a: { uses: echo, with: { text: A } }\n";

    [Test]
    public async Task Find_LiveRunWithTheStepRunning_NamesRunStepAndProcess_AndNothingOnceTheRunIsGone()
    {
        using var project = new TempProject().Write(Workflow);
        var record = await project.RunAsync();
        var layout = new ProjectLayout(project.Root);
        var store = new RunRecordStore(layout);
        var step = record.Step("a");
        step.State = StepState.Running; // as the record of a run computing the step reads
        record.Status = RunStatus.Running;
        store.Save(record);

        using (FileLock.TryAcquire(store.LockPathOf(record.Id), $"run {record.Id}"))
        {
            var owner = ComputingRuns.Find(layout, store, step.Fingerprint!);
            Assert.That(owner, Is.Not.Null);
            Assert.That(owner!.ToString(), Does.StartWith($"run {record.Id} step 'a' (pid {Environment.ProcessId}, process started "));
            Assert.That(ComputingRuns.Find(layout, store, "another-fingerprint"), Is.Null);
        }
        Assert.That(ComputingRuns.Find(layout, store, step.Fingerprint!), Is.Null, "a run whose process is gone computes nothing");
    }
}
