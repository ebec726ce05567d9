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
        var rows = ids.cpu().data<long>().ToArray();
        var (count, width) = ((int)ids.shape[0], (int)ids.shape[1]);
        var examples = Enumerable.Range(0, count).Select(b => rows[(b * width)..((b + 1) * width)]).Select(r => new TokenisedExample(r, r)).ToList();
        var reference = new ReferenceLogps(model).Of(examples, averaged: false);
        var (policy, _) = SequenceLogps.Of(model, examples);
        var n = count / 2;
        return PreferenceLoss.Dpo(policy.narrow(0, 0, n), policy.narrow(0, n, n), reference.narrow(0, 0, n), reference.narrow(0, n, n), new PreferenceOptions()).Losses.mean();
    }

    /// <summary>FLOPs per trained token: the LoRA training step plus the reference's forward pass (2P + 4·L·T·d).</summary>
    public static double FlopsPerToken(LlamaConfig config, int sequence) =>
        TrainingFlops.PerToken(config, sequence, fullFineTune: true) + (4.0 * config.NumHiddenLayers * sequence * config.HiddenSize);
}
