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
/// to float rounding (sums split across chunks). When the head is one matrix that does not train (adapter
/// methods) the hidden states' gradients are computed directly, in one logits buffer, rather than by
/// autograd: fewer passes over the logits, one exponential per logit, no allocation per chunk.
/// </summary>
public static class ChunkedCrossEntropy
{
    /// <summary>Logits per chunk (rows × vocab): just under 8 M float32 values, 32 MiB, below the size from
    /// which glibc maps every block afresh (the compact heap's fixed threshold, and glibc's own dynamic
    /// maximum), so the chunks' temporaries reuse one another's memory (the training path's logits buffer is
    /// allocated once per call). At vocab 32,000 that is 261 rows. Twice the rows
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
        var detached = flat.detach();
        using var sumScalar = sumDivisor.ToScalar();                                             // per call: not held for the process
        var divisor = reduction == nn.Reduction.Mean
            ? flatTargets.ne(Scalars.Of(LanguageModelLoss.IgnoreIndex)).sum().to_type(ScalarType.Float32)
            : full([], sumScalar, ScalarType.Float32, flat.device);
        var total = zeros([], ScalarType.Float32, flat.device);
        var hiddenGrads = new List<Tensor>();                                                    // (rows, C) per chunk, float32
        List<Tensor> parameterGrads = withGrad ? [.. parameters.Select(p => zeros_like(p, dtype: ScalarType.Float32))] : [];
        if (!withGrad)
        {
            using var noGrad = no_grad();
            for (var start = 0L; start < rows; start += chunk)
            {
                var length = Math.Min(chunk, rows - start);
                using var chunkScope = NewDisposeScope();
                total.PlusInPlace(LanguageModelLoss.CrossEntropy(model.Head(detached.narrow(0, start, length), weight), flatTargets.narrow(0, start, length), nn.Reduction.Sum));
            }
        }
        else if (weight is { requires_grad: false })
        {
            Fused(detached, flatTargets, weight, divisor, chunk, total, hiddenGrads);
        }
        else
        {
            // A head that trains (in full, or added tokens' rows), or is not one matrix (an adapter on lm_head):
            // autograd, chunk by chunk. Measured against computing the head's own gradient directly, this is as
            // fast in float32 and faster in bfloat16 (BENCHMARKS.md).
            for (var start = 0L; start < rows; start += chunk)
            {
                var length = Math.Min(chunk, rows - start);
                using var chunkScope = NewDisposeScope();
                using var grad = enable_grad();
                var rowsIn = detached.narrow(0, start, length).detach().requires_grad_(hidden.requires_grad);   // a leaf per chunk
                var loss = LanguageModelLoss.CrossEntropy(model.Head(rowsIn, weight), flatTargets.narrow(0, start, length), nn.Reduction.Sum);
                IList<Tensor> inputs = hidden.requires_grad ? [rowsIn, .. parameters] : [.. parameters];
                var chunkGrads = autograd.grad([loss / divisor], inputs, retain_graph: weight is { is_leaf: false }, allow_unused: true);
                var offset = 0;
                if (hidden.requires_grad) hiddenGrads.Add(chunkScope.MoveToOuter(chunkGrads[offset++].to_type(ScalarType.Float32)));
                for (var i = 0; i < parameters.Count; i++, offset++)
                {
                    if (chunkGrads[offset] is { IsInvalid: false } g) parameterGrads[i].PlusInPlace(g);
                }

                total.PlusInPlace(loss.detach());
            }
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

    // The loss of every chunk and its hidden states' gradients, without autograd, for a head that does not train:
    // logits go into one float32 buffer that every chunk reuses, become exp(logit − max) in place (one exponential
    // per logit, where log_softmax's forward and backward take one each), then the loss's gradient with respect to
    // them, (softmax − one-hot) × 1/divisor on counted rows and 0 on ignored ones, also in place; the hidden states'
    // gradient is that times the head's matrix, in the model's dtype as autograd multiplies it. Adds the loss summed
    // over counted rows to total and each chunk's hidden-state gradient (float32) to hiddenGrads.
    private static void Fused(Tensor flat, Tensor targets, Tensor weight, Tensor divisor, long chunk, Tensor total, List<Tensor> hiddenGrads)
    {
        using var noGrad = no_grad();
        var rows = flat.shape[0];
        var dtype = weight.dtype;
        var counted = targets.ne(Scalars.Of(LanguageModelLoss.IgnoreIndex));                     // (N)
        var scales = (counted.to_type(ScalarType.Float32) / divisor).unsqueeze(1);               // (N, 1)
        var classes = targets.masked_fill(counted.logical_not(), Scalars.Of(0L)).unsqueeze(1);   // (N, 1): any class for ignored rows
        var mask = counted.to_type(ScalarType.Float32).unsqueeze(1);
        var buffer = empty([Math.Min(chunk, rows), weight.shape[0]], ScalarType.Float32, flat.device);
        var transposed = weight.t();
        for (var start = 0L; start < rows; start += chunk)
        {
            var length = Math.Min(chunk, rows - start);
            using var chunkScope = NewDisposeScope();
            var x = flat.narrow(0, start, length);                                               // (n, C)
            var logits = buffer.narrow(0, 0, length);                                            // (n, vocab)
            if (dtype == ScalarType.Float32) logits.addmm_(x, transposed, beta: 0, alpha: 1);
            else logits.copy_(nn.functional.linear(x, weight));                                  // multiplied in the model's dtype
            var target = classes.narrow(0, start, length);
            var picked = logits.gather(1, target);                                               // (n, 1), before the buffer changes
            var max = logits.amax([1], keepdim: true);
            var sums = logits.sub_(max).exp_().sum([1], keepdim: true);                          // Σ exp(logit − max)
            var logSumExp = sums.log().PlusInPlace(max);
            total.PlusInPlace(((logSumExp - picked) * mask.narrow(0, start, length)).sum());
            var scale = scales.narrow(0, start, length);
            logits.mul_(scale / sums).scatter_add_(1, target, scale.neg());                       // ∂loss/∂logits
            var gradient = dtype == ScalarType.Float32 ? logits : logits.to_type(dtype);
            hiddenGrads.Add(chunkScope.MoveToOuter(gradient.mm(weight).to_type(ScalarType.Float32)));
        }
    }

    /// <summary>The chunked cross-entropy of <paramref name="model"/> on token ids <paramref name="inputs"/> (B, T); with
    /// <paramref name="documents"/>, of the documents packed into each row, each computed alone (see <see cref="LlamaModel.forward"/>).</summary>
    public static Tensor ForInputs(LlamaForCausalLM model, Tensor inputs, Tensor targets, nn.Reduction reduction = nn.Reduction.Mean, double sumDivisor = 1, Tensor? documents = null) =>
        Of(model, model.model.forward(inputs, null, documents), targets, reduction, sumDivisor);
}
