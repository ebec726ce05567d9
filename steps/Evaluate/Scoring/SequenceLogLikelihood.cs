using TorchSharp;
using Workflows.Torch.Evaluation;
using Workflows.Torch.Llama;
using static TorchSharp.torch;

namespace Workflows.Steps.Evaluate.Scoring;

/// <summary>Log-probabilities of the last tokens of a sequence given the ones before them, in one forward.</summary>
internal static class SequenceLogLikelihood
{
    /// <summary>Sum of log p(token) over the last <paramref name="scored"/> ids.
    /// A sequence longer than the context keeps its last tokens (the scored ones are never cut).</summary>
    public static double Score(LlamaForCausalLM model, IReadOnlyList<int> ids, int scored)
    {
        var (input, targets) = Split(model, ids, scored);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var logits = model.forward(tensor(input, [1, input.Length], device: model.Device));               // (1, T, vocab)
        var last = logits[0, TensorIndex.Slice(input.Length - scored)].to_type(ScalarType.Float32);      // (S, vocab)
        var logProbs = nn.functional.log_softmax(last, dim: -1);                                          // (S, vocab)
        var target = tensor(targets, device: model.Device);                                               // (S)
        var picked = logProbs.gather(1, target.unsqueeze(1)).squeeze(1);                                 // (S)
        return picked.sum().item<float>();
    }

    /// <summary>
    /// <see cref="Score"/> of every request, <paramref name="batchSize"/> sequences per forward (1: one by one);
    /// results in the requests' order; <paramref name="progress"/> hears how many are done. Sequences of similar length are padded on the right together: causal
    /// attention keeps padding after a sequence from changing it, and only the scored positions go through
    /// the head. Equal to one by one within float rounding (the sums run in another order).
    /// </summary>
    public static IReadOnlyList<double> ScoreMany(LlamaForCausalLM model,
        IReadOnlyList<(IReadOnlyList<int> Ids, int Scored)> requests, int batchSize, CancellationToken ct, Action<int>? progress = null)
    {
        var done = 0;
        if (batchSize <= 1)
        {
            return [.. requests.Select(r =>
            {
                ct.ThrowIfCancellationRequested();
                var result = Score(model, r.Ids, r.Scored);
                progress?.Invoke(++done);
                return result;
            })];
        }

        var split = requests.Select(r => Split(model, r.Ids, r.Scored)).ToArray();
        var results = new double[requests.Count];
        var order = Enumerable.Range(0, requests.Count).OrderBy(i => split[i].Input.Length).ThenBy(i => i);
        using var noGrad = no_grad();
        foreach (var chunk in order.Chunk(batchSize))
        {
            ct.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var width = chunk.Max(i => split[i].Input.Length);
            var input = chunk.SelectMany(i => split[i].Input.Concat(Enumerable.Repeat(0L, width - split[i].Input.Length))).ToArray();
            var positions = chunk.SelectMany((i, row) => Enumerable.Range(split[i].Input.Length - split[i].Targets.Length, split[i].Targets.Length)
                .Select(p => (long)((row * width) + p))).ToArray();
            var targets = tensor(chunk.SelectMany(i => split[i].Targets).ToArray(), device: model.Device);       // (N)
            // Through a cache only for its attention: on the CPU in float32 a cached forward attends with the
            // prompt kernel (PromptAttention), which at small head sizes costs a fraction of the flash kernel.
            using var cache = new KvCache(model.Config, chunk.Length, width, model.Device, model.Dtype);
            var hidden = model.model.forward(tensor(input, [chunk.Length, width], device: model.Device), cache);  // (B, T, C)
            var scoredHidden = hidden.view(-1, hidden.shape[^1]).index_select(0, tensor(positions, device: model.Device));   // (N, C)
            var logProbs = nn.functional.log_softmax(model.Head(scoredHidden).to_type(ScalarType.Float32), dim: -1);   // (N, vocab)
            var picked = logProbs.gather(1, targets.unsqueeze(1)).squeeze(1).cpu().data<float>().ToArray();     // (N)
            var offset = 0;
            foreach (var i in chunk)
            {
                var count = split[i].Targets.Length;
                results[i] = picked.AsSpan(offset, count).ToArray().Sum();
                offset += count;
            }

            progress?.Invoke(done += chunk.Length);
        }

        return results;
    }

    // The model's input (all but the last id, at most a context's worth) and the scored targets.
    private static (long[] Input, long[] Targets) Split(LlamaForCausalLM model, IReadOnlyList<int> ids, int scored)
    {
        var window = model.Config.MaxPositionEmbeddings;
        if (scored < 1 || scored >= ids.Count) throw new ArgumentException($"cannot score {scored} of {ids.Count} tokens");
        if (scored > window) throw new ArgumentException($"{scored} scored tokens do not fit the model's context ({window})");
        var start = Math.Max(0, ids.Count - 1 - window);
        var input = ids.Skip(start).Take(ids.Count - 1 - start).Select(i => (long)i).ToArray();
        return (input, ids.Skip(ids.Count - scored).Select(i => (long)i).ToArray());
    }
}
