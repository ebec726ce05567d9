using System.Diagnostics;

namespace Workflows.Cli.Tests.Slurm;

/// <summary>What goes wrong on a cluster, on a real single-node Slurm cluster: a failing step, Ctrl-C
/// then <c>wf resume</c>, and a training job that Slurm requeues.</summary>
[Category("Slurm")]
[NonParallelizable]
public sealed class SlurmRecoveryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    private static string Library => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "artifacts", "test-steps", "Workflows.Cli.Tests.Steps.dll"));

    [Test]
    public void Run_StepFails_DependentsAreSkippedAndTheirJobsCancelledNotPending()
    {
        SlurmCluster.RequireOrIgnore();
        using var project = ProcessProject.Create($$$"""
            api_version: workflows/v1
            name: failing
            libraries: ['{{{Library}}}']
            steps:
              a: { uses: slow, with: { text: a, fail: boom } }
              b: { uses: slow, with: { text: b, inputs: ['${{ steps.a.outputs.out }}'] } }
              c: { uses: slow, with: { text: c, inputs: ['${{ steps.b.outputs.out }}'] } }
              d: { uses: slow, with: { text: d } }
            """);
        var run = WfProcess.Run(project.Root, Timeout, "run", "wf.yaml", "--executor", "slurm");
        Assert.That(run.ExitCode, Is.EqualTo(1), run.Out + run.Error);
        Assert.That(project.Step("a").GetProperty("state").GetString(), Is.EqualTo("failed"));
        Assert.That(project.Step("a").GetProperty("error").GetString(), Is.EqualTo("boom"));
        Assert.That(project.Step("b").GetProperty("error").GetString(), Is.EqualTo("upstream step 'a' failed"));
        Assert.That(project.Step("c").GetProperty("error").GetString(), Is.EqualTo("upstream step 'b' skipped"));
        Assert.That(project.Step("d").GetProperty("state").GetString(), Is.EqualTo("succeeded"));
        var jobs = SlurmCluster.Table(project).Latest();
        Assert.That(SlurmCluster.Field(jobs["a"].JobId, "JobState"), Is.EqualTo("FAILED"));
        foreach (var step in new[] { "b", "c" })
        {
            Assert.That(SlurmCluster.Field(jobs[step].JobId, "JobState"), Is.EqualTo("CANCELLED"), step);
            Assert.That(SlurmCluster.Field(jobs[step].JobId, "Reason"), Is.EqualTo("DependencyNeverSatisfied"), step);
        }
        var show = WfProcess.Run(project.Root, Timeout, "show", "latest");
        Assert.That(show.Out, Does.Contain($"slurm    job {jobs["a"].JobId} on ").And.Contain("FAILED, exit 1:0"));
    }

    [Test]
    public void Resume_AfterCtrlCCancelledTheJobs_SubmitsOnlyWhatDidNotFinish()
    {
        SlurmCluster.RequireOrIgnore();
        using var project = ProcessProject.Create("");
        var journal = Path.Combine(project.Root, "journal.txt");
        var release = Path.Combine(project.Root, "release");
        File.WriteAllText(Path.Combine(project.Root, "wf.yaml"), $$$"""
            api_version: workflows/v1
            name: cancelling
            libraries: ['{{{Library}}}']
            steps:
              a: { uses: slow, with: { text: a } }
              b: { uses: slow, with: { text: b, journal: '{{{journal}}}', release: '{{{release}}}', inputs: ['${{ steps.a.outputs.out }}'] } }
              c: { uses: slow, with: { text: c, inputs: ['${{ steps.b.outputs.out }}'] } }
            """);
        using (var child = WfProcess.Start(project.Root, "run", "wf.yaml", "--executor", "slurm", "--on-interrupt", "cancel"))
        {
            SlurmCluster.WaitFor(() => File.Exists(journal) && File.ReadAllText(journal).Contains("start"), Timeout, "start of step b", child);
            Process.Start("kill", ["-INT", child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            var cancelled = child.Wait(TimeSpan.FromSeconds(30));
            Assert.That(cancelled.ExitCode, Is.EqualTo(130), cancelled.Out + cancelled.Error);
        }
        var first = SlurmCluster.Table(project).Latest();
        Assert.That(SlurmCluster.Field(first["b"].JobId, "JobState"), Is.EqualTo("CANCELLED"));
        Assert.That(SlurmCluster.Field(first["c"].JobId, "JobState"), Is.EqualTo("CANCELLED"), "not left pending");
        Assert.That(project.Step("a").GetProperty("state").GetString(), Is.EqualTo("succeeded"));
        Assert.That(project.Step("b").GetProperty("state").GetString(), Is.EqualTo("cancelled"));

        File.WriteAllText(release, "");
        var resumed = WfProcess.Run(project.Root, Timeout, "resume", "latest");
        Assert.That(resumed.ExitCode, Is.Zero, resumed.Out + resumed.Error);
        var submissions = SlurmCluster.Table(project).Jobs.GroupBy(j => j.Step).ToDictionary(g => g.Key, g => g.Count());
        Assert.That(submissions, Is.EqualTo(new Dictionary<string, int> { ["a"] = 1, ["b"] = 2, ["c"] = 2 }), "a finished, so it is not submitted again");
        Assert.That(resumed.Out, Does.Match(@"\[a\] cached"));
    }

    [Test]
    public void Run_CtrlCWithoutATerminal_DetachesAndTheClusterFinishesTheDagWhichResumeFollowsAgain()
    {
        SlurmCluster.RequireOrIgnore();
        using var project = ProcessProject.Create("");
        var journal = Path.Combine(project.Root, "journal.txt");
        var release = Path.Combine(project.Root, "release");
        File.WriteAllText(Path.Combine(project.Root, "wf.yaml"), $$$"""
            api_version: workflows/v1
            name: detaching
            libraries: ['{{{Library}}}']
            steps:
              a: { uses: slow, with: { text: a, journal: '{{{journal}}}', release: '{{{release}}}' } }
              b: { uses: slow, with: { text: b, inputs: ['${{ steps.a.outputs.out }}'] } }
            """);
        using (var child = WfProcess.Start(project.Root, "run", "wf.yaml", "--executor", "slurm"))
        {
            SlurmCluster.WaitFor(() => File.Exists(journal) && File.ReadAllText(journal).Contains("start"), Timeout, "start of step a", child);
            Process.Start("kill", ["-INT", child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            var detached = child.Wait(TimeSpan.FromSeconds(30));
            Assert.That(detached.ExitCode, Is.EqualTo(130), detached.Out + detached.Error);
            Assert.That(detached.Out, Does.Contain("detached from run").And.Contain("2 Slurm job(s) keep running"));
        }
        // Nobody follows the jobs now, and they go on.
        var jobs = SlurmCluster.Table(project).Latest();
        Assert.That(SlurmCluster.Field(jobs["a"].JobId, "JobState"), Is.EqualTo("RUNNING"));
        Assert.That(SlurmCluster.Field(jobs["b"].JobId, "Reason"), Is.EqualTo("Dependency"));

        // `wf resume` follows the same jobs again instead of submitting them twice.
        using (var resume = WfProcess.Start(project.Root, "resume", "latest"))
        {
            var record = Path.Combine(SlurmCluster.RunFolder(project), "run.json");
            SlurmCluster.WaitFor(() => File.ReadAllText(record).Contains("\"attempts\": 2", StringComparison.Ordinal), Timeout, "the resumed attempt", resume);
            File.WriteAllText(release, "");
            var resumed = resume.Wait(Timeout);
            Assert.That(resumed.ExitCode, Is.Zero, resumed.Out + resumed.Error);
            Assert.That(resumed.Out, Does.Contain($"following 2 job(s) of the earlier attempt: a={jobs["a"].JobId}, b={jobs["b"].JobId}"));
        }
        Assert.That(SlurmCluster.Table(project).Jobs, Has.Count.EqualTo(2), "nothing submitted again");
        Assert.That(SlurmCluster.Field(jobs["a"].JobId, "JobState"), Is.EqualTo("COMPLETED"), "not cancelled by the resume");
        Assert.That(project.Step("a").GetProperty("state").GetString(), Is.EqualTo("succeeded"));
        Assert.That(project.Step("b").GetProperty("state").GetString(), Is.EqualTo("succeeded"));
    }

    [Test]
    public void Run_TrainingJobRequeuedBySlurm_ResumesFromItsCheckpointWithTheUninterruptedBytes()
    {
        SlurmCluster.RequireOrIgnore();
        var workflow = $$$"""
            api_version: workflows/v1
            name: requeue
            device: cpu
            steps:
              ingest: { uses: ingest, with: { path: {{{ProcessProject.Shared}}}/data/llamafactory_demo/identity.json, format: alpaca } }
              train:
                uses: train
                with:
                  model: {{{ProcessProject.Shared}}}/models/stories260K
                  train: "${{ steps.ingest.outputs.dataset }}"
                  validation: "${{ steps.ingest.outputs.dataset }}"
                  lora: { rank: 4, alpha: 8, dropout: 0.1, target_modules: [q_proj, v_proj] }
                  template: alpaca_short
                  max_seq_len: 32
                  batch_size: 4
                  max_steps: 150
                  eval_every: 50
                  checkpoint_every: 5
                  seed: 11
            """;
        using var straight = ProcessProject.Create(workflow);
        var reference = WfProcess.Run(straight.Root, Timeout, "run", "wf.yaml");
        Assert.That(reference.ExitCode, Is.Zero, reference.Out + reference.Error);

        using var project = ProcessProject.Create(workflow);
        using var child = WfProcess.Start(project.Root, "run", "wf.yaml", "--executor", "slurm");
        var checkpoints = Path.Combine(project.Root, ".wf", "checkpoints");
        SlurmCluster.WaitFor(() => Directory.Exists(checkpoints) && Directory.GetDirectories(checkpoints).Any(d => File.Exists(Path.Combine(d, "latest"))),
            Timeout, "a training checkpoint", child);
        var train = SlurmCluster.Table(project).Latest()["train"].JobId;
        SlurmCluster.Run("scontrol", "requeue", train);
        var run = child.Wait(Timeout);
        Assert.That(run.ExitCode, Is.Zero, run.Out + run.Error);
        Assert.That(SlurmCluster.Field(train, "Restarts"), Is.EqualTo("1"), "Slurm ran the job twice");
        Assert.That(run.Out, Does.Match(@"\[train\] resuming from the checkpoint at step [1-9]"));
        foreach (var name in new[] { "adapter_model.safetensors", "adapter_config.json", "training_summary.json" })
        {
            Assert.That(File.ReadAllBytes(Path.Combine(project.Output("train", "adapter"), name)),
                Is.EqualTo(File.ReadAllBytes(Path.Combine(straight.Output("train", "adapter"), name))), name);
        }
    }
}
