namespace Workflows.Cli.Tests;

/// <summary>
/// Same fingerprint, same bytes, in any process: one short workflow (ingest → augment → split →
/// LoRA, QLoRA and DoRA training with dropout, and LoRA on two data-parallel workers → evaluate, guard, merge, package) runs in two fresh projects, each in
/// a `wf` process of its own (with different OMP_NUM_THREADS), and every output must match
/// byte for byte. Then `--force lora` in a third process must reproduce the adapter and leave what
/// depends on it cached.
/// </summary>
[NonParallelizable]
public sealed class ReproducibilityTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);
    private ProcessProject _first = null!;
    private ProcessProject _second = null!;
    private WfCommand.Result _forced = null!;

    private static string Workflow => $$$"""
        api_version: workflows/v1
        name: repro
        params: { model: {{{ProcessProject.Shared}}}/models/stories260K }
        steps:
          ingest: { uses: ingest, with: { path: {{{ProcessProject.Shared}}}/data/llamafactory_demo/identity.json, format: alpaca } }
          augment: { uses: augment, with: { dataset: "${{ steps.ingest.outputs.dataset }}", seed: 7, template_vars: { name: Sparky, author: Workflows }, noise: { copies: 1, rate: 0.1 } } }
          split: { uses: split, with: { dataset: "${{ steps.augment.outputs.dataset }}", method: grouped, ratios: { train: 0.85, validation: 0.15, test: 0 }, seed: 7 } }
        {{{Train("lora")}}}
        {{{Train("qlora")}}}
        {{{Train("dora", "neftune_noise_alpha: 5")}}}
        {{{Train("lora", "workers: 2", "lora_workers")}}}
          evaluate:
            uses: evaluate
            with:
              model: "${{ params.model }}"
              adapters: ["${{ steps.lora.outputs.adapter }}"]
              tasks: { validation: { type: perplexity, dataset: "${{ steps.split.outputs.validation }}", limit: 8 } }
          guard: { uses: guard, with: { model: "${{ params.model }}", adapter: "${{ steps.lora.outputs.adapter }}", prompts: {{{ProcessProject.Shared}}}/data/advbench/harmful_behaviors.csv, fields: { prompt: target }, limit: 2, max_new_tokens: 8 } }
          merge: { uses: merge, with: { base_model: "${{ params.model }}", adapters: ["${{ steps.lora.outputs.adapter }}"] } }
          package: { uses: package, with: { model: "${{ steps.merge.outputs.model }}", reports: ["${{ steps.evaluate.outputs.report }}", "${{ steps.guard.outputs.report }}"], title: repro } }
        """;

    // Dropout on, validation every 2 steps (the best adapter is kept), shuffled batches, NEFTune's embedding noise on
    // DoRA, and data-parallel shards drawing their own dropout masks on two threads: every source of randomness in
    // training is exercised in 4 quick steps.
    private static string Train(string method, string extra = "", string? name = null) => $$$"""
          {{{name ?? method}}}:
            uses: train
            with:
              model: "${{ params.model }}"
              train: "${{ steps.split.outputs.train }}"
              validation: "${{ steps.split.outputs.validation }}"
              method: {{{method}}}
              lora: { rank: 4, alpha: 8, dropout: 0.1, target_modules: [q_proj, v_proj, up_proj] }
              template: alpaca_short
              max_seq_len: 64
              batch_size: 4
              max_steps: 4
              eval_every: 2
              seed: 3
              {{{extra}}}
        """;

    [OneTimeSetUp]
    public void RunTwice()
    {
        _first = ProcessProject.Create(Workflow);
        _second = ProcessProject.Create(Workflow);
        // Different OpenMP thread counts: libtorch rounds float sums differently per thread count unless
        // the engine pins it (without the pin these two runs write different adapters).
        var first = WfProcess.Run(_first.Root, new Dictionary<string, string> { ["OMP_NUM_THREADS"] = "2" }, Timeout, "run", "wf.yaml");
        Assert.That(first.ExitCode, Is.Zero, first.Out + first.Error);
        var second = WfProcess.Run(_second.Root, new Dictionary<string, string> { ["OMP_NUM_THREADS"] = "1" }, Timeout, "run", "wf.yaml");
        Assert.That(second.ExitCode, Is.Zero, second.Out + second.Error);
        _forced = WfProcess.Run(_first.Root, Timeout, "run", "wf.yaml", "--force", "lora");
        Assert.That(_forced.ExitCode, Is.Zero, _forced.Out + _forced.Error);
    }

    [OneTimeTearDown]
    public void Remove()
    {
        _first?.Dispose();
        _second?.Dispose();
    }

    [TestCase("ingest", "dataset")]
    [TestCase("augment", "dataset")]
    [TestCase("split", "train")]
    [TestCase("split", "validation")]
    public void Run_TwoProcesses_DatasetFilesByteIdentical(string step, string output) => AssertSameFiles(step, output, "data.parquet");

    [TestCase("lora")]
    [TestCase("qlora")]
    [TestCase("dora")]
    [TestCase("lora_workers")]
    public void Run_TwoProcesses_AdapterFilesByteIdentical(string step) =>
        AssertSameFiles(step, "adapter", "adapter_model.safetensors", "adapter_config.json", "training_summary.json");

    [TestCase("evaluate", "report")]
    [TestCase("guard", "report")]
    [TestCase("merge", "model")]
    [TestCase("package", "package")]
    public void Run_TwoProcesses_DownstreamOutputsIdentical(string step, string output) => AssertSameFiles(step, output);

    [Test]
    public void RunForce_UnchangedTrainStep_ReproducesAdapterAndLeavesDependentsCached()
    {
        Assert.That(_first.Step("lora").GetProperty("state").GetString(), Is.EqualTo("succeeded"), "the forced step ran again");
        Assert.That(_first.Digest("lora", "adapter"), Is.EqualTo(_second.Digest("lora", "adapter")));
        foreach (var step in new[] { "evaluate", "guard", "merge", "package" })
        {
            Assert.That(_first.Step(step).GetProperty("state").GetString(), Is.EqualTo("cached"), step);
            Assert.That(_forced.Out, Does.Contain($"[{step}] cached — cached (upstream outputs unchanged)"));
        }
    }

    // Same digest in both projects, and the named files (all files when none are named) equal byte for byte.
    private void AssertSameFiles(string step, string output, params string[] names)
    {
        var (first, second) = (_first.Output(step, output), _second.Output(step, output));
        Assert.That(Path.GetFileName(first), Is.EqualTo(Path.GetFileName(second)), $"{step}.{output} digest");
        var files = names.Length > 0 ? names
            : Directory.GetFiles(second).Select(Path.GetFileName).Where(n => n != "manifest.json").Order(StringComparer.Ordinal).ToArray();
        Assert.That(files, Is.Not.Empty);
        foreach (var name in files)
            Assert.That(File.ReadAllBytes(Path.Combine(first, name!)), Is.EqualTo(File.ReadAllBytes(Path.Combine(second, name!))), $"{step}.{output}/{name}");
    }
}
