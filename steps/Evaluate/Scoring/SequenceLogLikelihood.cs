using TorchSharp;
using Workflows.Torch.Engine;
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
    /// results in the requests' order; <paramref name="progress"/> hears how many are done. Each request is its
    /// own group of <see cref="ScoreGroups"/>.
    /// </summary>
    public static IReadOnlyList<double> ScoreMany(LlamaForCausalLM model,
        IReadOnlyList<(IReadOnlyList<int> Ids, int Scored)> requests, int batchSize, CancellationToken ct, Action<int>? progress = null) =>
        [.. ScoreGroups(model, [.. requests.Select(r => (IReadOnlyList<(IReadOnlyList<int>, int)>)[r])], batchSize, ct, progress).Select(g => g[0])];

    /// <summary>
    /// <see cref="Score"/> of every request of every group (the choices of one question, the two answers of one
    /// pair), results in the same shape; <paramref name="progress"/> hears how many groups are done. With
    /// <paramref name="batchSize"/> 1, each request goes through its own forward. Otherwise the tokens a group's
    /// sequences share at their start (its context, see <see cref="SharedContext"/>) go through the model once,
    /// left-padded beside the contexts of up to <paramref name="batchSize"/> − 1 other groups of similar length;
    /// then the remaining tokens of all their sequences go through one more forward, each continuing a copy of its
    /// context's cache (so that forward's cache holds a row per sequence: batch_size × the choices). Only the scored
    /// positions go through the head. Equal to one by one within float rounding (the sums run in another order).
    /// Batches run side by side on <paramref name="workers"/> CPU threads (default <see cref="InferenceWorkers.For"/>),
    /// with the same results for any count.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<double>> ScoreGroups(LlamaForCausalLM model,
        IReadOnlyList<IReadOnlyList<(IReadOnlyList<int> Ids, int Scored)>> groups, int batchSize, CancellationToken ct, Action<int>? progress = null, int? workers = null)
    {
        var done = 0;
        if (batchSize <= 1)
        {
            return [.. groups.Select(g =>
            {
                ct.ThrowIfCancellationRequested();
                IReadOnlyList<double> result = [.. g.Select(r => Score(model, r.Ids, r.Scored))];
                progress?.Invoke(++done);
                return result;
            })];
        }

        var contexts = SharedContext.Of([.. groups.Select(g => (IReadOnlyList<(long[], long[])>)[.. g.Select(r => Split(model, r.Ids, r.Scored))])]);
        var logProbs = groups.Select(g => g.Select(r => new float[r.Scored]).ToArray()).ToArray();
        var left = groups.Select(_ => 0).ToArray();
        foreach (var context in contexts) left[context.Group]++;
        // Each batch is computed as it would be alone, so the workers change only the order batches finish in.
        var chunks = contexts.OrderBy(c => c.Length).ThenBy(c => c.Group).Chunk(batchSize).ToArray();
        var gate = new object();
        InferenceWorkers.Run(chunks.Length, workers ?? InferenceWorkers.For(model.Device), k =>
        {
            ScoreChunk(model, chunks[k], logProbs);
            lock (gate)
            {
                foreach (var context in chunks[k])
                {
                    if (--left[context.Group] == 0) progress?.Invoke(++done);
                }
            }
        }, ct);

        return [.. logProbs.Select(g => (IReadOnlyList<double>)[.. g.Select(l => (double)l.Sum())])];
    }

    // The contexts of chunk in one forward, then every continuation after them in another.
    private static void ScoreChunk(LlamaForCausalLM model, SharedContext[] chunk, float[][][] logProbs)
    {
        using var scope = NewDisposeScope();
        var width = chunk.Max(c => c.Length);
        var longest = chunk.Max(c => c.Members.Max(m => m.Input.Length - c.Length));
        using var cache = new KvCache(model.Config, chunk.Length, width + longest, model.Device, model.Dtype);
        cache.PadLeft([.. chunk.Select(c => (long)(width - c.Length))]);
        var input = chunk.SelectMany(c => Enumerable.Repeat(0L, width - c.Length).Concat(c.Members[0].Input.Take(c.Length))).ToArray();
        var hidden = model.model.forward(tensor(input, [chunk.Length, width], device: model.Device), cache);   // (B, W, C)
        // Scored positions inside a context (all of them when a sequence is its context).
        Pick(model, hidden, logProbs, chunk.SelectMany((c, row) => c.Members.SelectMany(m =>
            m.Scored(0, c.Length).Select(p => (c.Group, m.Index, p.Target, p.Id, (long)((row * width) + width - c.Length + p.Position))))));
        var rows = chunk.SelectMany((c, row) => c.Members.Where(m => m.Input.Length > c.Length).Select(m => (Row: (long)row, Context: c, Member: m))).ToArray();
        if (rows.Length == 0) return;
        // Right-padded after their contexts: causal attention keeps the padding from changing the tokens before it.
        using var copy = cache.CopyRows([.. rows.Select(r => r.Row)]);
        var rest = rows.SelectMany(r => r.Member.Input.Skip(r.Context.Length).Concat(Enumerable.Repeat(0L, longest - (r.Member.Input.Length - r.Context.Length)))).ToArray();
        var after = model.model.forward(tensor(rest, [rows.Length, longest], device: model.Device), copy);     // (M, L, C)
        Pick(model, after, logProbs, rows.SelectMany((r, row) => r.Member.Scored(r.Context.Length, r.Member.Input.Length)
            .Select(p => (r.Context.Group, r.Member.Index, p.Target, p.Id, (long)((row * longest) + p.Position - r.Context.Length)))));
    }

    // Log-probabilities of the target ids at the given rows of hidden (B, T, C) flattened to (B·T, C), stored by
    // group, request and target index.
    private static void Pick(LlamaForCausalLM model, Tensor hidden, float[][][] logProbs,
        IEnumerable<(int Group, int Request, int Target, long Id, long Row)> picks)
    {
        var list = picks.ToList();
        if (list.Count == 0) return;
        var rows = tensor(list.Select(p => p.Row).ToArray(), device: model.Device);                                    // (N)
        var ids = tensor(list.Select(p => p.Id).ToArray(), device: model.Device);                                      // (N)
        var scored = hidden.view(-1, hidden.shape[^1]).index_select(0, rows);                                           // (N, C)
        var all = nn.functional.log_softmax(model.Head(scored).to_type(ScalarType.Float32), dim: -1);                  // (N, vocab)
        var picked = all.gather(1, ids.unsqueeze(1)).squeeze(1).cpu().data<float>().ToArray();                         // (N)
        for (var i = 0; i < list.Count; i++) logProbs[list[i].Group][list[i].Request][list[i].Target] = picked[i];
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
