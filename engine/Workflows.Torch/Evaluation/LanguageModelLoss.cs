using TorchSharp;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;
using static TorchSharp.torch;

namespace Workflows.Torch.Evaluation;

/// <summary>Next-token cross-entropy of a causal language model.</summary>
public static class LanguageModelLoss
{
    /// <summary>Target id that contributes nothing to the loss (masked prompt tokens, padding).</summary>
    public const long IgnoreIndex = -100;

    /// <summary>
    /// Mean cross-entropy of <paramref name="logits"/> (B, T, vocab) against <paramref name="targets"/>
    /// (B, T), skipping <see cref="IgnoreIndex"/>; computed in float32 whatever the model dtype.
    /// Keeps the autograd graph, so training can call backward on it.
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor targets, nn.Reduction reduction = nn.Reduction.Mean) =>
        nn.functional.cross_entropy(
            logits.to_type(ScalarType.Float32).view(-1, logits.shape[^1]),                         // (B*T, vocab)
            targets.view(-1),                                                                     // (B*T)
            ignore_index: IgnoreIndex,
            reduction: reduction);

    /// <summary>
    /// Loss of <paramref name="model"/> on each text: the text is encoded with BOS first and every
    /// following token is predicted from the ones before it. Texts longer than the context are cut
    /// into consecutive windows of <c>max_position_embeddings</c> predictions.
    /// </summary>
    public static LossSummary Evaluate(LlamaForCausalLM model, TextTokenizer tokenizer, IEnumerable<string> texts)
    {
        var device = model.Device;
        var window = model.Config.MaxPositionEmbeddings;
        var total = 0.0;
        long count = 0;
        using var noGrad = no_grad();
        foreach (var text in texts)
        {
            var ids = tokenizer.Encode(text, addBos: true).Select(i => (long)i).ToArray();
            for (var start = 0; start + 1 < ids.Length; start += window)
            {
                using var scope = NewDisposeScope();
                var length = Math.Min(window, ids.Length - 1 - start);
                var input = tensor(ids.AsSpan(start, length).ToArray(), [1, length], device: device);        // (1, T)
                var targets = tensor(ids.AsSpan(start + 1, length).ToArray(), [1, length], device: device);  // (1, T)
                total += CrossEntropy(model.forward(input), targets, nn.Reduction.Sum).item<float>();
                count += length;
            }
        }

        return new LossSummary(total, count);
    }
}
