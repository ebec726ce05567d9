using TorchSharp;
using Workflows.Steps.Evaluate;
using Workflows.Steps.Tests.TestSupport;
using Workflows.Torch.Engine;
using Workflows.Torch.Evaluation;
using static TorchSharp.torch;

namespace Workflows.Steps.Tests.Evaluate;

/// <summary>Completion-only perplexity agrees with the runtime's masked cross-entropy (IgnoreIndex on the prompt),
/// tokenised as training does: prompt and target encoded as one text, EOS appended and scored.</summary>
[TestFixture]
public sealed class CompletionLossTests
{
    [Test]
    public async Task Run_PromptAndTarget_ScoresOnlyTheTargetTokensAndEos()
    {
        const string prompt = "Q: Once upon a time\nA:";
        const string target = " there was a little girl named Lily.";
        using var context = new TestStepContext();
        var items = context.WriteFile("items.jsonl", $"{{\"prompt\": \"Q: Once upon a time\\nA:\", \"answer\": \"{target}\"}}\n");
        var options = new EvaluateOptions
        {
            Model = TempWorkflow.Model,
            Tasks = new() { ["c"] = new() { Type = EvalTaskType.Perplexity, Dataset = items } },
        };
        var result = await new EvaluateStep().RunAsync(options, context, CancellationToken.None);
        Assert.That(result.Error, Is.Null);

        var model = DeviceEngine.Shared.Load(TempWorkflow.Model);
        var promptIds = model.Tokenizer.Encode(prompt, addBos: true);
        var ids = model.Tokenizer.Encode(prompt + target, addBos: true).Append(model.Tokenizer.EosIds[0]).Select(i => (long)i).ToArray();
        var labels = ids.Skip(1).Select((id, i) => i + 1 < promptIds.Count ? LanguageModelLoss.IgnoreIndex : id).ToArray();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var logits = model.Model.forward(tensor(ids[..^1], [1, ids.Length - 1]));                 // (1, T, vocab)
        var expected = LanguageModelLoss.CrossEntropy(logits, tensor(labels, [1, labels.Length])).item<float>();

        Assert.That(result.Metrics["c.tokens"], Is.EqualTo(ids.Length - promptIds.Count));
        Assert.That(result.Metrics["c.tokens"], Is.EqualTo(model.Tokenizer.Encode(target, addBos: false).Count + 1), "the target's own tokens and EOS");
        Assert.That(result.Metrics["c.loss"], Is.EqualTo(expected).Within(1e-4));
    }
}
