namespace Workflows.Cli.Tests;

/// <summary><c>wf generate</c> with each kind of trained output: LoRA, QLoRA and DoRA adapters (applied as evaluate
/// and guard apply them) and a fully fine-tuned model folder. Adapters with added tokens: <see cref="GenerateChatTokensTests"/>.</summary>
[TestFixture]
public sealed class GenerateAdapterTests
{
    private const string Question = "Who are you? (0)";
    private ProcessProject _project = null!;

    private static string Model => Path.Combine(ProcessProject.Shared, "models", "stories260K");

    private static string Train(string method, string extra) => $$$"""
          {{{method}}}:
            uses: train
            with:
              model: MODEL
              train: "${{ steps.ingest.outputs.dataset }}"
              method: {{{method}}}
              template: alpaca_short
              {{{extra}}}
              scheduler: constant
              batch_size: 4
              max_steps: 40
              checkpoint_every: 100
              seed: 5
        """;

    [OneTimeSetUp]
    public void TrainEachKind()
    {
        const string Lora = "lora: { rank: 4, alpha: 8, dropout: 0, target_modules: [q_proj, v_proj, up_proj, down_proj] }\n      optimizer: { lr: 0.01 }";
        var workflow = string.Join("\n",
            "api_version: workflows/v1\nname: generate-kinds\nversion: 1\nsteps:\n  ingest: { uses: ingest, with: { path: persona.jsonl, format: alpaca } }",
            Train("lora", Lora), Train("qlora", Lora), Train("dora", Lora), Train("full", "optimizer: { lr: 0.003 }")).Replace("MODEL", Model, StringComparison.Ordinal);
        _project = ProcessProject.Create(workflow);
        File.WriteAllLines(Path.Combine(_project.Root, "persona.jsonl"), Enumerable.Range(0, 8).Select(i =>
            $"{{\"instruction\": \"{(i % 2 == 0 ? "Who are you?" : "What is your name?")} ({i})\", \"output\": \"I am Sparky, a helpful assistant.\"}}"));
        var run = WfCommand.Run(_project.Root, "run", "wf.yaml");
        Assert.That(run.ExitCode, Is.Zero, run.Error + run.Out);
    }

    [OneTimeTearDown]
    public void TearDown() => _project?.Dispose();

    [TestCase("lora", "adapter on the full-precision base")]
    [TestCase("qlora", "adapter on the NF4 base as trained (NF4")]
    [TestCase("dora", "adapter on the full-precision base")]
    public void Generate_Adapter_AnswersAsTrainedOnTheBaseItWasTrainedOn(string method, string baseLine)
    {
        var tuned = WfCommand.Run(_project.Root, "generate", Model, "--adapter", _project.Output(method, "adapter"), "--template", "alpaca_short", "--prompt", Question, "--max-tokens", "24");

        Assert.That(tuned.ExitCode, Is.Zero, tuned.Error);
        Assert.That(tuned.Error, Does.Contain(baseLine));
        Assert.That(tuned.Out, Does.Contain("Sparky"));
    }

    [Test]
    public void Generate_FullyFineTunedModelFolder_AnswersAsTrained()
    {
        var tuned = WfCommand.Run(_project.Root, "generate", _project.Output("full", "model"), "--template", "alpaca_short", "--prompt", Question, "--max-tokens", "24");
        var untuned = WfCommand.Run(_project.Root, "generate", Model, "--template", "alpaca_short", "--prompt", Question, "--max-tokens", "24");

        Assert.That(tuned.ExitCode, Is.Zero, tuned.Error);
        Assert.That(tuned.Out, Does.Contain("Sparky"));
        Assert.That(untuned.Out, Does.Not.Contain("Sparky"));
    }

    [Test]
    public void Generate_FolderThatIsNoAdapter_FailsInOneLineNamingIt()
    {
        var result = WfCommand.Run(_project.Root, "generate", Model, "--adapter", _project.Root, "--prompt", Question);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error.Trim().Split('\n'), Has.Length.EqualTo(1), result.Error);
        Assert.That(result.Error, Does.StartWith("wf generate: ").And.Contain(_project.Root).And.Not.Contain("InvalidDataException"));
    }
}
