namespace Workflows.Cli.Tests;

/// <summary><c>wf generate</c> with an adapter that added its chat template's markers as tokens.</summary>
[TestFixture]
public sealed class GenerateChatTokensTests
{
    private static string Model => Path.Combine(ProcessProject.Shared, "models", "stories260K");

    private static string Workflow => """
        api_version: workflows/v1
        name: chat-tokens
        version: 1
        steps:
          ingest: { uses: ingest, with: { path: persona.jsonl, format: alpaca } }
          train:
            uses: train
            with:
              model: MODEL
              train: "${{ steps.ingest.outputs.dataset }}"
              template: chatml
              add_special_tokens: [auto]
              lora: { rank: 4, alpha: 8, dropout: 0, target_modules: [q_proj, v_proj, up_proj, down_proj] }
              optimizer: { lr: 0.01 }
              scheduler: constant
              batch_size: 4
              max_steps: 40
              checkpoint_every: 100
              seed: 5
        """.Replace("MODEL", Model, StringComparison.Ordinal);

    [Test]
    public void Generate_AdapterWithAddedTokens_StopsAtItsEndOfTurnTokenWhereTheBaseRunsOn()
    {
        using var project = ProcessProject.Create(Workflow);
        File.WriteAllLines(Path.Combine(project.Root, "persona.jsonl"), Enumerable.Range(0, 8).Select(i =>
            $"{{\"instruction\": \"{(i % 2 == 0 ? "Who are you?" : "What is your name?")} ({i})\", \"output\": \"I am Sparky, a helpful assistant.\"}}"));
        var run = WfCommand.Run(project.Root, "run", "wf.yaml");
        Assert.That(run.ExitCode, Is.Zero, run.Error + run.Out);
        var adapter = project.Output("train", "adapter");

        var tuned = WfCommand.Run(project.Root, "generate", Model, "--adapter", adapter, "--template", "chatml", "--prompt", "Who are you? (0)", "--max-tokens", "40");
        var untuned = WfCommand.Run(project.Root, "generate", Model, "--template", "chatml", "--prompt", "Who are you? (0)", "--max-tokens", "40");

        Assert.That(tuned.ExitCode, Is.Zero, tuned.Error);
        Assert.That(tuned.Error, Does.Contain("stopped: end of turn or sequence token (<|im_end|> is token 512)"));
        Assert.That(tuned.Out, Does.Contain("Sparky"));
        Assert.That(untuned.Error, Does.Contain("stopped: MaxTokens"), "the base has no <|im_end|> and never writes its text");
    }
}
