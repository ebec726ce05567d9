namespace Workflows.Cli.Tests;

/// <summary>`wf run-step RUN STEP`, what each Slurm job runs, without a cluster: one step of a run that
/// `wf run` started, planned from that run's workflow snapshot, params, selection and device override.</summary>
[NonParallelizable]
public sealed class RunStepCommandTests
{
    [Test]
    public void RunStep_StepOfAFinishedRun_PlansFromTheSnapshotWithTheDeviceOverride()
    {
        using var project = DeviceNamedProject.Create();
        var id = RunOnCpu(project);
        File.WriteAllText(Path.Combine(project.Root, "wf.yaml"), "not: a workflow\n"); // the job plans from the run's snapshot

        var same = WfCommand.Run(project.Root, "run-step", id, "ingest", "--device", "cpu");
        Assert.That(same.ExitCode, Is.Zero, same.Out + same.Error);
        Assert.That(same.Out, Does.Contain("wf-event\tfinished\tingest\tCached"), "cpu.jsonl, as the run read it");

        var other = WfCommand.Run(project.Root, "run-step", id, "ingest");
        Assert.That(other.ExitCode, Is.Zero, other.Out + other.Error);
        Assert.That(other.Out, Does.Contain("wf-event\tfinished\tingest\tSucceeded"), "cuda.jsonl: the workflow's own device");
    }

    [Test]
    public void RunStep_UnknownRunOrStep_ExitsTwoSayingWhich()
    {
        using var project = DeviceNamedProject.Create();
        var id = RunOnCpu(project);

        var step = WfCommand.Run(project.Root, "run-step", id, "train");
        Assert.That(step.ExitCode, Is.EqualTo(2));
        Assert.That(step.Error, Does.Contain($"run {id} has no step 'train'"));

        var run = WfCommand.Run(project.Root, "run-step", "20000101-000000-000000", "ingest");
        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Error, Does.Contain("has no record under"));
    }

    // Runs the workflow with --device cpu; returns the run's id.
    private static string RunOnCpu(ProcessProject project)
    {
        var run = WfCommand.Run(project.Root, "run", "wf.yaml", "--device", "cpu");
        Assert.That(run.ExitCode, Is.Zero, run.Out + run.Error);
        return Path.GetFileName(Directory.GetDirectories(Path.Combine(project.Root, ".wf", "runs")).Single());
    }
}
