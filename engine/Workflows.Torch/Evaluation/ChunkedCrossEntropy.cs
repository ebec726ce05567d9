using TorchSharp;
using Workflows.Torch.Llama;
using static TorchSharp.torch;

namespace Workflows.Torch.Evaluation;

/// <summary>
/// Next-token cross-entropy through the language-model head a chunk of rows at a time, so the float32
/// logits of the whole batch (B × T × vocab: 250 MiB for 8 × 256 × 32,000) never exist at once, nor
/// their softmax and gradient. As in torchtune's chunked loss and Liger's fused linear cross-entropy,
/// each chunk's gradients (with respect to the hidden states and the head's trainable parameters) are
/// computed right after its loss, while only that chunk's logits are alive; the returned loss carries
/// them into the rest of the graph, so <c>backward()</c> on it (or on any multiple of it) trains the
/// model exactly as the unchunked <see cref="LanguageModelLoss.CrossEntropy"/> of its logits does, up
/// to float rounding (sums split across chunks).
/// </summary>
public static class ChunkedCrossEntropy
{
    /// <summary>Logits per chunk (rows × vocab): just under 8 M float32 values, 32 MiB, below the size from
    /// which glibc maps every block afresh (the compact heap's fixed threshold, and glibc's own dynamic
    /// maximum), so the chunks reuse one another's memory. At vocab 32,000 that is 261 rows. Twice the rows
    /// of 16 MiB chunks read the head's weights half as often: about 5 % faster at one thread and more at
    /// two, for ~60 MiB more peak memory (BENCHMARKS.md).</summary>
    public const long ChunkLogits = (8L * 1024 * 1024) - (16 * 1024);

    /// <summary>
    /// Cross-entropy of <paramref name="model"/>'s head on <paramref name="hidden"/> (B, T, C), the final
    /// hidden states, against <paramref name="targets"/> (B, T), skipping
    /// <see cref="LanguageModelLoss.IgnoreIndex"/>; float32 whatever the model dtype. Mean or sum over
    /// the counted targets; a sum is divided by <paramref name="sumDivisor"/> (the trainer's normalisation
    /// by the step's target tokens): dividing here, not after, scales each chunk's gradient in float32
    /// before it is rounded to the model's dtype, as the unchunked path does.
    /// <paramref name="rowsPerChunk"/> 0 takes <see cref="ChunkLogits"/> / vocab.
    /// </summary>
    public static Tensor Of(LlamaForCausalLM model, Tensor hidden, Tensor targets, nn.Reduction reduction = nn.Reduction.Mean, double sumDivisor = 1, long rowsPerChunk = 0)
    {
        if (reduction == nn.Reduction.None) throw new ArgumentException("chunked cross-entropy reduces: use mean or sum", nameof(reduction));
        using var scope = NewDisposeScope();
        var flat = hidden.reshape(-1, hidden.shape[^1]);                                         // (N, C)
        var flatTargets = targets.reshape(-1);                                                   // (N)
        var rows = flat.shape[0];
        var chunk = rowsPerChunk > 0 ? rowsPerChunk : Math.Max(1, ChunkLogits / model.Config.VocabSize);
        var parameters = model.TrainableHeadParameters();
        var withGrad = is_grad_enabled() && (hidden.requires_grad || parameters.Count > 0);
        // Built once for every chunk; with added tokens' rows it is a graph node the chunks share, so each
        // chunk's backward through it keeps it for the next.
        var weight = model.HeadWeight();                                                         // (vocab, C), or null: lm_head's forward
        var shared = weight is { is_leaf: false };
        var detached = flat.detach();
        using var sumScalar = sumDivisor.ToScalar();                                             // per call: not held for the process
        var divisor = reduction == nn.Reduction.Mean
            ? flatTargets.ne(Scalars.Of(LanguageModelLoss.IgnoreIndex)).sum().to_type(ScalarType.Float32)
            : full([], sumScalar, ScalarType.Float32, flat.device);
        var total = zeros([], ScalarType.Float32, flat.device);
        var hiddenGrads = new List<Tensor>();                                                    // (rows, C) per chunk, float32
        var parameterGrads = parameters.Select(p => zeros_like(p, dtype: ScalarType.Float32)).ToList();
        for (var start = 0L; start < rows; start += chunk)
        {
            var length = Math.Min(chunk, rows - start);
            using var chunkScope = NewDisposeScope();
            var rowTargets = flatTargets.narrow(0, start, length);
            if (!withGrad)
            {
                using var noGrad = no_grad();
                total.PlusInPlace(LanguageModelLoss.CrossEntropy(model.Head(detached.narrow(0, start, length), weight), rowTargets, nn.Reduction.Sum));
                continue;
            }

            using var grad = enable_grad();
            var rowsIn = detached.narrow(0, start, length).detach().requires_grad_(hidden.requires_grad);   // a leaf per chunk
            var loss = LanguageModelLoss.CrossEntropy(model.Head(rowsIn, weight), rowTargets, nn.Reduction.Sum);
            IList<Tensor> inputs = hidden.requires_grad ? [rowsIn, .. parameters] : [.. parameters];
            var grads = autograd.grad([loss / divisor], inputs, retain_graph: shared, allow_unused: true);
            var offset = 0;
            if (hidden.requires_grad) hiddenGrads.Add(chunkScope.MoveToOuter(grads[offset++].to_type(ScalarType.Float32)));
            for (var i = 0; i < parameters.Count; i++, offset++)
            {
                if (grads[offset] is { IsInvalid: false } g) parameterGrads[i].PlusInPlace(g);
            }

            total.PlusInPlace(loss.detach());
        }

        var result = total / divisor;
        if (withGrad)
        {
            // surrogate's value is 0 and its gradient is the chunks' gradients: result + surrogate has
            // the loss's value and the loss's gradient.
            var surrogate = zeros([], ScalarType.Float32, flat.device);
            if (hidden.requires_grad) surrogate = surrogate.Plus((flat.to_type(ScalarType.Float32) * cat(hiddenGrads, 0)).sum());
            for (var i = 0; i < parameters.Count; i++) surrogate = surrogate.Plus((parameters[i].to_type(ScalarType.Float32) * parameterGrads[i]).sum());
            result = result.Plus(surrogate - surrogate.detach());
        }

        return scope.MoveToOuter(result);
    }

    /// <summary>The chunked cross-entropy of <paramref name="model"/> on token ids <paramref name="inputs"/> (B, T).</summary>
    public static Tensor ForInputs(LlamaForCausalLM model, Tensor inputs, Tensor targets, nn.Reduction reduction = nn.Reduction.Mean, double sumDivisor = 1) =>
        Of(model, model.model.forward(inputs, null), targets, reduction, sumDivisor);
}
