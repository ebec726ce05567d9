using Workflows.Torch;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Workflows.Steps.Train.Preference;

/// <summary>
/// The preference losses exactly as TRL computes them, per pair (or per KTO row), on sequence
/// log-probabilities of the completion tokens. Rewards are detached, as TRL logs them.
/// </summary>
public static class PreferenceLoss
{
    /// <summary>DPO (TRL <c>dpo_loss</c>): margin = (π_c − π_r) − (ref_c − ref_r); sigmoid:
    /// −(1−ε) log σ(β·margin) − ε log σ(−β·margin); IPO: (margin − 1/(2β))². Rewards β(π − ref).
    /// For IPO the callers pass length-averaged log-probabilities, as TRL does.</summary>
    public static (Tensor Losses, Tensor ChosenRewards, Tensor RejectedRewards) Dpo(Tensor policyChosen, Tensor policyRejected,
        Tensor referenceChosen, Tensor referenceRejected, PreferenceOptions options)
    {
        var margin = (policyChosen - policyRejected) - (referenceChosen - referenceRejected);
        var beta = options.Beta;
        var losses = options.Loss == DpoLossType.Ipo
            ? (margin - Scalars.Of(1 / (2 * beta))).pow(Scalars.Of(2L))
            : Smoothed(margin * Scalars.Of(beta), options.LabelSmoothing);
        return (losses, ((policyChosen - referenceChosen) * Scalars.Of(beta)).detach(), ((policyRejected - referenceRejected) * Scalars.Of(beta)).detach());
    }

    /// <summary>SimPO (TRL CPOTrainer, <c>loss_type: simpo</c>) on length-averaged log-probabilities:
    /// margin = (π_c − π_r) − γ/β; −(1−ε) log σ(β·margin) − ε log σ(−β·margin). Rewards β·π.</summary>
    public static (Tensor Losses, Tensor ChosenRewards, Tensor RejectedRewards) Simpo(Tensor averageChosen, Tensor averageRejected, PreferenceOptions options)
    {
        var beta = options.Beta;
        var margin = (averageChosen - averageRejected) - Scalars.Of(options.SimpoGamma / beta);
        return (Smoothed(margin * Scalars.Of(beta), options.LabelSmoothing), (averageChosen * Scalars.Of(beta)).detach(), (averageRejected * Scalars.Of(beta)).detach());
    }

    /// <summary>ORPO's odds-ratio term (TRL <c>odds_ratio_loss</c>) on length-averaged log-probabilities:
    /// log odds = (π_c − π_r) − (log(1 − e^π_c) − log(1 − e^π_r)); loss −β log σ(log odds), to which the
    /// caller adds the chosen answer's NLL. Rewards β·π.</summary>
    public static (Tensor Losses, Tensor ChosenRewards, Tensor RejectedRewards) Orpo(Tensor averageChosen, Tensor averageRejected, PreferenceOptions options)
    {
        var logOdds = (averageChosen - averageRejected) - (log1p(-exp(averageChosen)) - log1p(-exp(averageRejected)));
        return (F.logsigmoid(logOdds) * Scalars.Of(-options.Beta), (averageChosen * Scalars.Of(options.Beta)).detach(), (averageRejected * Scalars.Of(options.Beta)).detach());
    }

    /// <summary>KL estimate of KTO (TRL <c>kto_loss</c>): mean over mismatched prompt/answer pairs of
    /// π − ref, clamped at 0 and detached.</summary>
    public static Tensor KtoKl(Tensor policyMismatched, Tensor referenceMismatched) =>
        (policyMismatched - referenceMismatched).mean().clamp(min: Scalars.Of(0L)).detach();

    /// <summary>KTO per row: desirable w_d(1 − σ(β(r − KL))), undesirable w_u(1 − σ(β(KL − r))) with
    /// r = π − ref. Rewards β·r (the caller splits them by label).</summary>
    public static (Tensor Losses, Tensor Rewards) Kto(Tensor policy, Tensor reference, Tensor desirable, Tensor kl, PreferenceOptions options)
    {
        var ratio = policy - reference;
        var beta = options.Beta;
        var good = F.sigmoid((ratio - kl) * Scalars.Of(beta)).SubtractedFrom(Scalars.Of(1L)) * Scalars.Of(options.DesirableWeight);
        var bad = F.sigmoid((kl - ratio) * Scalars.Of(beta)).SubtractedFrom(Scalars.Of(1L)) * Scalars.Of(options.UndesirableWeight);
        return (where(desirable, good, bad), (ratio * Scalars.Of(beta)).detach());
    }

    private static Tensor Smoothed(Tensor logits, double smoothing) =>
        (F.logsigmoid(logits) * Scalars.Of(-(1 - smoothing))) - (F.logsigmoid(-logits) * Scalars.Of(smoothing));
}
