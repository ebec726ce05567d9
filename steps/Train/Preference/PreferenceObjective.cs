using Workflows.Torch;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;
using static TorchSharp.torch;

namespace Workflows.Steps.Train.Preference;

/// <summary>
/// The loss of one preference step (DPO, ORPO, SimPO, KTO) on the adapters of <paramref name="model"/>, or on all its
/// weights when it is trained in full. The reference policy of DPO and KTO is the same model with every adapter
/// switched off (as PEFT's <c>disable_adapter()</c>), so no second copy of the base is held; a model trained in full
/// takes <paramref name="frozenReference"/>, a copy of the base that never trains (TRL's <c>ref_model</c>), or,
/// without one, reference log-probabilities precomputed before the first step. They are computed under no_grad.
/// </summary>
public sealed class PreferenceObjective(LlamaForCausalLM model, TrainOptions options, TextTokenizer tokenizer, int maxLength,
    PreferenceData train, PreferenceData? validation, LlamaForCausalLM? frozenReference = null)
{
    private readonly PreferenceOptions _settings = options.Preference;
    private readonly ReferenceLogps _reference = new(model, frozenReference);
    // Trained in full without a frozen copy, the model stops being the reference at the first step.
    private readonly bool _onlyPrecomputed = frozenReference is null && options.Method == TrainMethod.Full;

    /// <summary>Training pairs (or KTO rows).</summary>
    public int TrainCount => train.Items.Count;

    /// <summary>Forward and backward over the step's micro-batches (indices into the training items); the
    /// loss is the mean over micro-batches, as TRL divides by the accumulation steps. With <c>workers</c> above 1 each
    /// micro-batch's rows are split into shards trained side by side (<see cref="DataParallel"/>), once every shard's
    /// reference and KTO's KL estimate are computed (<see cref="WholeBatch"/>).</summary>
    public (double Loss, long Tokens, long InputTokens, Dictionary<string, double> Metrics) Accumulate(IReadOnlyList<int[]> microBatches,
        IReadOnlyList<Tensor> parameters, Func<int, int, ulong> shardSeed, CancellationToken cancellationToken)
    {
        model.train();
        var metrics = new PreferenceMetrics();
        double loss = 0;
        long tokens = 0, inputTokens = 0;
        for (var m = 0; m < microBatches.Count; m++)
        {
            var items = microBatches[m].Select(i => train.Items[i]).ToList();
            var shards = DataParallel.Shards(items.Count, options.Workers);
            if (shards.Count == 1)
            {
                using var scope = NewDisposeScope();
                var micro = Loss(items, metrics) / Scalars.Of((long)microBatches.Count);
                micro.backward();
                loss += micro.item<float>();
            }
            else
            {
                using var scope = NewDisposeScope();
                var whole = WholeBatch(items, shards);
                var parts = new PreferenceMetrics[shards.Count];
                var index = m;
                var losses = DataParallel.Backward(parameters, shards.Count, options.Workers, options.Threads, s =>
                {
                    var (start, count) = shards[s];
                    parts[s] = new PreferenceMetrics();
                    // The shard's mean weighted by its share of the rows: the shards add up to the micro-batch's mean.
                    return Loss(items.GetRange(start, count), parts[s], whole?.Shard(s)) * Scalars.Of((double)count / items.Count / microBatches.Count);
                }, s => shardSeed(index, s), model.Device, cancellationToken);
                foreach (var part in parts) metrics.Add(part);
                loss += losses.Sum();
            }

            tokens += items.Sum(i => (long)i.Chosen.TrainedTokens + (i.Rejected?.TrainedTokens ?? 0));
            inputTokens += items.Sum(i => (long)i.Chosen.Ids.Length - 1 + (i.Rejected is null ? 0 : i.Rejected.Ids.Length - 1));
        }

        return (loss, tokens, inputTokens, metrics.ToDictionary());
    }

    /// <summary>Mean loss over the validation items and TRL's metrics on them, prefixed <c>eval_</c>.</summary>
    public (double Loss, Dictionary<string, double> Metrics) Validate()
    {
        model.eval();
        using var noGrad = no_grad();
        var metrics = new PreferenceMetrics();
        double total = 0;
        foreach (var chunk in validation!.Items.Chunk(options.BatchSize))
        {
            using var scope = NewDisposeScope();
            total += Loss(chunk, metrics).item<float>() * chunk.Length;
        }

        return (total / validation.Items.Count, metrics.ToDictionary("eval_"));
    }

    // Pairs are scored by their per-token mean log-probability (SimPO, ORPO, IPO) rather than the sum.
    private bool Averaged => options.Objective is TrainObjective.Simpo or TrainObjective.Orpo || _settings.Loss == DpoLossType.Ipo;

    // What shards cannot compute alone, computed before they start: the reference's log-probabilities of each shard's
    // rows (DPO: chosen then rejected; KTO: the answers, then the mismatched pairs), side by side but all with the
    // adapters switched off, which every shard would otherwise see mid-way; and KTO's KL estimate, which pairs each
    // row with the next row of the whole batch (TRL gathers it across processes), on this thread. Null for SimPO and
    // ORPO, which need neither.
    private BatchTerms? WholeBatch(IReadOnlyList<PreferenceItem> items, IReadOnlyList<(int Start, int Count)> shards)
    {
        List<PreferenceItem> Rows((int Start, int Count) shard) => [.. items.Skip(shard.Start).Take(shard.Count)];
        if (options.Objective == TrainObjective.Dpo)
            return new BatchTerms(References([.. shards.Select(Rows).Select(r => (IReadOnlyList<TokenisedExample>)[.. r.Select(i => i.Chosen), .. r.Select(i => i.Rejected!)])], Averaged), null);
        if (options.Objective != TrainObjective.Kto) return null;
        var mismatched = Mismatched(items);
        var references = References([.. shards.Select(s => (IReadOnlyList<TokenisedExample>)[.. Rows(s).Select(i => i.Chosen), .. mismatched.Skip(s.Start).Take(s.Count)])], averaged: false);
        var referenceMismatched = cat([.. shards.Select((s, k) => references[k].narrow(0, s.Count, s.Count))]);
        return new BatchTerms(references, Kl(mismatched, referenceMismatched));
    }

    // Per shard, the reference's log-probabilities of its rows (two halves of its row count), and KTO's KL estimate.
    private sealed record BatchTerms(IReadOnlyList<Tensor> References, Tensor? Kl)
    {
        public BatchTerms Shard(int shard) => new([References[shard]], Kl);
    }

    // The mean loss of the rows; with the micro-batch's terms (a data-parallel shard), those instead of its own.
    private Tensor Loss(IReadOnlyList<PreferenceItem> items, PreferenceMetrics metrics, BatchTerms? whole = null)
    {
        if (options.Objective == TrainObjective.Kto) return KtoLoss(items, metrics, whole);
        var n = items.Count;
        List<TokenisedExample> examples = [.. items.Select(i => i.Chosen), .. items.Select(i => i.Rejected!)];
        var averaged = Averaged;
        var (sums, counts) = SequenceLogps.Of(model, examples);
        var policy = averaged ? sums / counts : sums;
        var (chosen, rejected) = (policy.narrow(0, 0, n), policy.narrow(0, n, n));
        var (losses, chosenRewards, rejectedRewards) = options.Objective switch
        {
            TrainObjective.Dpo => Dpo(whole?.References[0] ?? Reference(examples, averaged), chosen, rejected, n),
            TrainObjective.Simpo => PreferenceLoss.Simpo(chosen, rejected, _settings),
            TrainObjective.Orpo => PreferenceLoss.Orpo(chosen, rejected, _settings),
            _ => throw new InvalidOperationException($"objective {options.Objective} is not a preference objective"),
        };
        metrics.AddPairs(chosenRewards, rejectedRewards, chosen, rejected);
        if (options.Objective != TrainObjective.Orpo) return losses.mean();
        var nll = -sums.narrow(0, 0, n).sum() / counts.narrow(0, 0, n).sum();              // TRL: cross-entropy of the chosen answers
        metrics.AddNll(nll);
        return nll.Plus(losses.mean());
    }

    private (Tensor, Tensor, Tensor) Dpo(Tensor reference, Tensor chosen, Tensor rejected, int n) =>
        PreferenceLoss.Dpo(chosen, rejected, reference.narrow(0, 0, n), reference.narrow(0, n, n), _settings);

    // KTO's KL estimate pairs each prompt with the next row's answer in the batch (TRL's shifted completions);
    // the policy's log-probabilities of those pairs carry no gradient, as in TRL.
    private Tensor KtoLoss(IReadOnlyList<PreferenceItem> items, PreferenceMetrics metrics, BatchTerms? whole)
    {
        var n = items.Count;
        var answers = items.Select(i => i.Chosen).ToList();
        var (policy, _) = SequenceLogps.Of(model, answers);
        var terms = whole ?? WholeBatch(items, [(0, n)])!;
        var reference = terms.References[0].narrow(0, 0, n);
        var desirable = tensor(items.Select(i => i.Desirable).ToArray(), device: model.Device);
        var (losses, rewards) = PreferenceLoss.Kto(policy, reference, desirable, terms.Kl!, _settings);
        metrics.AddKto(rewards, desirable, policy, terms.Kl!);
        return losses.mean();
    }

    private List<TokenisedExample> Mismatched(IReadOnlyList<PreferenceItem> items) =>
        [.. items.Select((item, k) => Mismatch(item, items[(k + 1) % items.Count]))];

    private Tensor Kl(IReadOnlyList<TokenisedExample> mismatched, Tensor referenceMismatched)
    {
        using var noGrad = no_grad();
        return PreferenceLoss.KtoKl(SequenceLogps.Of(model, mismatched).Sums, referenceMismatched);
    }

    private TokenisedExample Mismatch(PreferenceItem prompt, PreferenceItem answer)
    {
        var example = PreferenceData.Tokenise(prompt.Prompt, answer.Answer, tokenizer, options);
        return example.Ids.Length <= maxLength ? example : new TokenisedExample(example.Ids[..maxLength], example.Labels[..maxLength]);
    }

    private Tensor Reference(IReadOnlyList<TokenisedExample> examples, bool averaged) => References([examples], averaged)[0];

    // The reference of each group of answers (a shard's), computed side by side on the step's workers.
    private IReadOnlyList<Tensor> References(IReadOnlyList<IReadOnlyList<TokenisedExample>> groups, bool averaged) =>
        !_onlyPrecomputed || groups.All(_reference.Holds) ? _reference.Of(groups, averaged, options.Workers, options.Threads)
            : throw new InvalidOperationException("the model trains in full and holds no frozen reference, and these answers' reference log-probabilities were not precomputed");

    /// <summary>Computes the reference log-probabilities of every training and validation pair now, so that
    /// training looks them up instead of running the reference per step. Returns the answers stored.</summary>
    public int PrecomputeReference()
    {
        _reference.Precompute(train.Items, options.BatchSize);
        if (validation is not null) _reference.Precompute(validation.Items, options.BatchSize);
        return _reference.Stored;
    }
}
