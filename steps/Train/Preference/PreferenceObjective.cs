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
    /// loss is the mean over micro-batches, as TRL divides by the accumulation steps.</summary>
    public (double Loss, long Tokens, long InputTokens, Dictionary<string, double> Metrics) Accumulate(IReadOnlyList<int[]> microBatches)
    {
        model.train();
        var metrics = new PreferenceMetrics();
        double loss = 0;
        long tokens = 0, inputTokens = 0;
        foreach (var indices in microBatches)
        {
            using var scope = NewDisposeScope();
            var items = indices.Select(i => train.Items[i]).ToList();
            var micro = Loss(items, metrics) / Scalars.Of((long)microBatches.Count);
            micro.backward();
            loss += micro.item<float>();
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

    private Tensor Loss(IReadOnlyList<PreferenceItem> items, PreferenceMetrics metrics)
    {
        if (options.Objective == TrainObjective.Kto) return KtoLoss(items, metrics);
        var n = items.Count;
        List<TokenisedExample> examples = [.. items.Select(i => i.Chosen), .. items.Select(i => i.Rejected!)];
        var averaged = options.Objective is TrainObjective.Simpo or TrainObjective.Orpo || _settings.Loss == DpoLossType.Ipo;
        var (sums, counts) = SequenceLogps.Of(model, examples);
        var policy = averaged ? sums / counts : sums;
        var (chosen, rejected) = (policy.narrow(0, 0, n), policy.narrow(0, n, n));
        var (losses, chosenRewards, rejectedRewards) = options.Objective switch
        {
            TrainObjective.Dpo => Dpo(examples, averaged, chosen, rejected, n),
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

    private (Tensor, Tensor, Tensor) Dpo(List<TokenisedExample> examples, bool averaged, Tensor chosen, Tensor rejected, int n)
    {
        var reference = Reference(examples, averaged);
        return PreferenceLoss.Dpo(chosen, rejected, reference.narrow(0, 0, n), reference.narrow(0, n, n), _settings);
    }

    // KTO's KL estimate pairs each prompt with the next row's answer in the batch (TRL's shifted completions);
    // the policy's log-probabilities of those pairs carry no gradient, as in TRL.
    private Tensor KtoLoss(IReadOnlyList<PreferenceItem> items, PreferenceMetrics metrics)
    {
        var n = items.Count;
        var answers = items.Select(i => i.Chosen).ToList();
        var mismatched = items.Select((item, k) => Mismatch(item, items[(k + 1) % n])).ToList();
        var (policy, _) = SequenceLogps.Of(model, answers);
        Tensor policyKl;
        using (no_grad()) policyKl = SequenceLogps.Of(model, mismatched).Sums;
        var reference = Reference([.. answers, .. mismatched], averaged: false);
        var kl = PreferenceLoss.KtoKl(policyKl, reference.narrow(0, n, n));
        var desirable = tensor(items.Select(i => i.Desirable).ToArray(), device: model.Device);
        var (losses, rewards) = PreferenceLoss.Kto(policy, reference.narrow(0, 0, n), desirable, kl, _settings);
        metrics.AddKto(rewards, desirable, policy, kl);
        return losses.mean();
    }

    private TokenisedExample Mismatch(PreferenceItem prompt, PreferenceItem answer)
    {
        var example = PreferenceData.Tokenise(prompt.Prompt, answer.Answer, tokenizer, options);
        return example.Ids.Length <= maxLength ? example : new TokenisedExample(example.Ids[..maxLength], example.Labels[..maxLength]);
    }

    private Tensor Reference(IReadOnlyList<TokenisedExample> examples, bool averaged) =>
        !_onlyPrecomputed || _reference.Holds(examples) ? _reference.Of(examples, averaged)
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
