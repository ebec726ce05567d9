using Workflows.Torch;
using Workflows.Torch.Llama;
using static TorchSharp.torch;

namespace Workflows.Steps.Train.Preference;

/// <summary>
/// The DPO row of <c>wf bench train</c>: the batch's sequences as chosen/rejected pairs (first half chosen),
/// every token an answer token, scored by the policy (with gradients) and by the reference, which is the same
/// model with its adapters switched off, as training does. Same shape as the SFT row: batch × sequence tokens.
/// </summary>
public static class PreferenceBenchmark
{
    /// <summary>The method name of the row.</summary>
    public const string Method = "dpo";

    /// <summary>DPO's sigmoid loss (β 0.1) of <paramref name="ids"/> (B × (sequence + 1), B even) on <paramref name="model"/>.</summary>
    public static Tensor Loss(LlamaForCausalLM model, Tensor ids)
    {
        var n = (int)ids.shape[0] / 2;
        var (examples, references) = Reference(model, ids, [(0, n)]);
        return PairsLoss(model, examples, references[0], 0, n);
    }

    /// <summary>The rows of <paramref name="ids"/> as answers (the first half chosen, the second rejected: pair k is rows k
    /// and N + k) and, for each shard of the pairs, the reference's summed log-probability of its chosen then its rejected
    /// answers: computed before any shard trains, the shards side by side on up to <paramref name="workers"/> threads at
    /// <paramref name="threads"/> libtorch threads each, as preference training does.</summary>
    public static (List<TokenisedExample> Examples, IReadOnlyList<Tensor> References) Reference(LlamaForCausalLM model, Tensor ids,
        IReadOnlyList<(int Start, int Count)> shards, int workers = 1, int threads = 1)
    {
        var rows = ids.cpu().data<long>().ToArray();
        var (count, width) = ((int)ids.shape[0], (int)ids.shape[1]);
        var examples = Enumerable.Range(0, count).Select(b => rows[(b * width)..((b + 1) * width)]).Select(r => new TokenisedExample(r, r)).ToList();
        var groups = shards.Select(s => (IReadOnlyList<TokenisedExample>)Pairs(examples, s.Start, s.Count)).ToList();
        return (examples, new ReferenceLogps(model).Of(groups, averaged: false, workers, threads));
    }

    /// <summary>DPO's loss of pairs <paramref name="start"/> … <paramref name="start"/> + <paramref name="count"/> − 1 of the
    /// batch, scored by the policy against their <paramref name="reference"/> (chosen then rejected), times their share of
    /// the batch's pairs: the shards of a batch add up to its mean.</summary>
    public static Tensor PairsLoss(LlamaForCausalLM model, IReadOnlyList<TokenisedExample> examples, Tensor reference, int start, int count)
    {
        var (policy, _) = SequenceLogps.Of(model, Pairs(examples, start, count));
        var losses = PreferenceLoss.Dpo(policy.narrow(0, 0, count), policy.narrow(0, count, count),
            reference.narrow(0, 0, count), reference.narrow(0, count, count), new PreferenceOptions()).Losses;
        return losses.sum() / Scalars.Of((long)(examples.Count / 2));
    }

    // The chosen then the rejected answers of pairs start … start + count − 1.
    private static List<TokenisedExample> Pairs(IReadOnlyList<TokenisedExample> examples, int start, int count) =>
        [.. examples.Skip(start).Take(count), .. examples.Skip((examples.Count / 2) + start).Take(count)];

    /// <summary>FLOPs per trained token: the LoRA training step plus the reference's forward pass (2P + 4·L·T·d).</summary>
    public static double FlopsPerToken(LlamaConfig config, int sequence) =>
        TrainingFlops.PerToken(config, sequence, fullFineTune: true) + (4.0 * config.NumHiddenLayers * sequence * config.HiddenSize);
}
