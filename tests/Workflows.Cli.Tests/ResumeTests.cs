namespace Workflows.Cli.Tests;

/// <summary>`wf resume` after a hard kill: the training process is SIGKILLed once a checkpoint exists,
/// a new process resumes the run, and the adapter (or, trained in full, the model) must equal that of a run
/// never interrupted.</summary>
[NonParallelizable]
public sealed class ResumeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private const string Lora = "lora: { rank: 4, alpha: 8, dropout: 0.1, target_modules: [q_proj, v_proj] }";

    // Data-parallel shards whose dropout masks come from generators seeded by the step, not from the process's one.
    private const string LoraOnTwoWorkers = Lora + "\n      workers: 2";

    // bfloat16 weights whose float32 master copies live only in the checkpoint's optimizer state.
    private const string FullBfloat16 = "method: full\n      dtype: bfloat16\n      optimizer: { lr: 0.003 }";

    private static string Workflow(string method) => $$$"""
        api_version: workflows/v1
        name: resume
        steps:
          ingest: { uses: ingest, with: { path: {{{ProcessProject.Shared}}}/data/llamafactory_demo/identity.json, format: alpaca } }
          train:
            uses: train
            with:
              model: {{{ProcessProject.Shared}}}/models/stories260K
              train: "${{ steps.ingest.outputs.dataset }}"
              validation: "${{ steps.ingest.outputs.dataset }}"
              <<method>>
              template: alpaca_short
              max_seq_len: 32
              batch_size: 4
              max_steps: 12
              eval_every: 4
              checkpoint_every: 2
              seed: 11
        """.Replace("<<method>>", method, StringComparison.Ordinal);

    [TestCase(Lora, "adapter", "adapter_model.safetensors", "adapter_config.json")]
    [TestCase(LoraOnTwoWorkers, "adapter", "adapter_model.safetensors", "adapter_config.json")]
    [TestCase(FullBfloat16, "model", "model.safetensors", "config.json")]
    public void Resume_AfterSigkillPastACheckpoint_WritesTheUninterruptedOutputBitForBit(string method, string output, string weights, string config)
    {
        using var straight = ProcessProject.Create(Workflow(method));
        var reference = WfProcess.Run(straight.Root, Timeout, "run", "wf.yaml");
        Assert.That(reference.ExitCode, Is.Zero, reference.Out + reference.Error);

        using var killed = ProcessProject.Create(Workflow(method));
        using (var child = WfProcess.Start(killed.Root, "run", "wf.yaml"))
        {
            var latest = WaitForCheckpoint(killed.Root, child);
            child.Kill();                                               // SIGKILL: no cleanup, no cancellation
            Assert.That(File.Exists(latest), Is.True, "the run finished before it could be killed; give it more steps");
        }

        var resumed = WfProcess.Run(killed.Root, Timeout, "resume", "latest");
        Assert.That(resumed.ExitCode, Is.Zero, resumed.Out + resumed.Error);
        Assert.That(resumed.Out, Does.Match(@"\[train\] resuming from the checkpoint at step [1-9]"));
        Assert.That(resumed.Out, Does.Match(@"\[ingest\] cached"));
        foreach (var name in new[] { weights, config, "training_summary.json" })
        {
            Assert.That(File.ReadAllBytes(Path.Combine(killed.Output("train", output), name)),
                Is.EqualTo(File.ReadAllBytes(Path.Combine(straight.Output("train", output), name))), name);
        }
    }

    // The step's checkpoint pointer, once training has written it (the child is still running).
    private static string WaitForCheckpoint(string project, WfProcess child)
    {
        var checkpoints = Path.Combine(project, ".wf", "checkpoints");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < Timeout)
        {
            var latest = Directory.Exists(checkpoints)
                ? Directory.GetDirectories(checkpoints).Select(d => Path.Combine(d, "latest")).FirstOrDefault(File.Exists)
                : null;
            if (latest is not null) return latest;
            if (child.HasExited) Assert.Fail($"wf exited ({child.ExitCode}) before writing a checkpoint");
            Thread.Sleep(10);
        }

        child.Kill();
        Assert.Fail("no checkpoint within " + Timeout);
        return "";
    }
}
