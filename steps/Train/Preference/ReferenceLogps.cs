using Workflows.Torch.Adapters;
using Workflows.Torch.Engine;
using Workflows.Torch.Llama;
using static TorchSharp.torch;

namespace Workflows.Steps.Train.Preference;

/// <summary>
/// The reference policy's log-probabilities. With adapters: the model with every adapter switched off (as PEFT's
/// <c>disable_adapter()</c>, which also leaves out added tokens' trained rows), so no second copy of the base is held.
/// A model without adapters (one trained in full) has nothing to switch off: its reference is <paramref name="frozen"/>,
/// a copy of the base that never trains (TRL's <c>ref_model</c>), or the model itself, which only before the first
/// step has the reference's weights.
/// Either computed per batch, or for every pair once before training (TRL's <c>precompute_ref_log_probs</c>) and then looked up.
/// </summary>
public sealed class ReferenceLogps(LlamaForCausalLM model, LlamaForCausalLM? frozen = null)
{
    private readonly Dictionary<TokenisedExample, (float Sum, float Count)> _stored = new(ReferenceEqualityComparer.Instance);

    /// <summary>Pairs whose log-probabilities are stored.</summary>
    public int Stored => _stored.Count;

    /// <summary>Computes and stores the reference log-probabilities of every answer of <paramref name="items"/>,
    /// <paramref name="batchSize"/> pairs at a time, laid out as a training batch is (chosen, then rejected).</summary>
    public void Precompute(IReadOnlyList<PreferenceItem> items, int batchSize)
    {
        foreach (var chunk in items.Chunk(batchSize)) Store(chunk);
    }

    /// <summary>Whether every one of <paramref name="examples"/> was precomputed.</summary>
    public bool Holds(IReadOnlyList<TokenisedExample> examples) => _stored.Count > 0 && examples.All(_stored.ContainsKey);

    // One chunk of pairs' answers, laid out as a training batch is (chosen, then rejected).
    private void Store(PreferenceItem[] chunk)
    {
        using var scope = NewDisposeScope();
        List<TokenisedExample> examples = [.. chunk.Select(i => i.Chosen), .. chunk.Where(i => i.Rejected is not null).Select(i => i.Rejected!)];
        var (sums, counts) = Compute(examples);
        var (s, c) = (sums.cpu().data<float>().ToArray(), counts.cpu().data<float>().ToArray());
        for (var k = 0; k < examples.Count; k++) _stored[examples[k]] = (s[k], c[k]);
    }

    /// <summary>Per example: the reference's summed log-probability of its answer, or the per-token mean when
    /// <paramref name="averaged"/>; stored values where every example was precomputed, else one forward pass.</summary>
    public Tensor Of(IReadOnlyList<TokenisedExample> examples, bool averaged)
    {
        if (Holds(examples))
        {
            var values = examples.Select(e => _stored[e]).Select(v => averaged ? v.Sum / v.Count : v.Sum).ToArray();
            return tensor(values, device: model.Device);
        }

        var (sums, counts) = Compute(examples);
        return averaged ? sums / counts : sums;
    }

    /// <summary><see cref="Of(IReadOnlyList{TokenisedExample}, bool)"/> of each group, the groups computed side by side by up to
    /// <paramref name="workers"/> threads at <paramref name="threads"/> libtorch threads each (a data-parallel step's shards).
    /// The adapters are switched off once around all of them: switched per group, one group's end would switch them back
    /// on under another. The reference draws no random numbers (its adapters, and so their dropout, are off).</summary>
    public IReadOnlyList<Tensor> Of(IReadOnlyList<IReadOnlyList<TokenisedExample>> groups, bool averaged, int workers, int threads)
    {
        var results = new Tensor[groups.Count];
        if (groups.All(Holds))
        {
            for (var g = 0; g < groups.Count; g++) results[g] = Of(groups[g], averaged);
            return results;
        }

        using var off = SwitchedOff();
        WorkerThreads.Run(groups.Count, WorkerThreads.On(model.Device, workers), threads, g =>
        {
            using var scope = NewDisposeScope();
            var (sums, counts) = Scored(groups[g]);
            results[g] = (averaged ? sums / counts : sums).DetachFromDisposeScope();
        }, CancellationToken.None);
        // Copies (2N values each) made here belong to the caller's dispose scope, as the one-list Of's results do;
        // a worker thread's results belong to none.
        return [.. results.Select(r =>
        {
            using (r) return r.clone();
        })];
    }

    private (Tensor Sums, Tensor Counts) Compute(IReadOnlyList<TokenisedExample> examples)
    {
        using var off = SwitchedOff();
        return Scored(examples);
    }

    // The reference's scores with whatever is switched off now. Its logits and log-softmax (batch × length × vocabulary)
    // are freed here, before the policy's forward pass allocates its own, rather than at the end of the micro-batch:
    // only the sums leave.
    private (Tensor Sums, Tensor Counts) Scored(IReadOnlyList<TokenisedExample> examples)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (sums, counts) = SequenceLogps.Of(frozen ?? model, examples);
        return (sums.MoveToOuterDisposeScope(), counts.MoveToOuterDisposeScope());
    }

    // Every adapter and added tokens' trained rows switched off until disposed; nothing to switch with a frozen copy.
    private Switch SwitchedOff()
    {
        var adapters = frozen is null ? AdapterInjector.Adapters(model).Select(a => a.Layer).ToList() : [];
        var rows = frozen is null ? TrainableTokenRows.All(model).ToList() : [];                  // added tokens' rows as initialised
        foreach (var layer in adapters) layer.Disabled = true;
        foreach (var row in rows) row.Disabled = true;
        return new Switch(() =>
        {
            foreach (var layer in adapters) layer.Disabled = false;
            foreach (var row in rows) row.Disabled = false;
        });
    }

    private sealed class Switch(Action back) : IDisposable
    {
        public void Dispose() => back();
    }
}
