namespace Workflows.Steps.Train;

/// <summary>What the train step optimises (YAML <c>objective:</c>); every objective trains the same adapters, or the
/// model's own weights with <c>method: full</c>.</summary>
public enum TrainObjective
{
    /// <summary>Supervised fine-tuning: next-token cross-entropy on the completions.</summary>
    Sft,
    /// <summary>Direct Preference Optimisation on chosen/rejected pairs; the reference policy is the base with the adapter switched
    /// off (with <c>method: full</c>, a frozen copy of the base, or the base's log-probabilities precomputed before the first step).</summary>
    Dpo,
    /// <summary>Odds-Ratio Preference Optimisation: SFT loss on the chosen answer plus an odds-ratio term; no reference.</summary>
    Orpo,
    /// <summary>Simple Preference Optimisation: length-normalised log-likelihood margin with a target margin gamma; no reference.</summary>
    Simpo,
    /// <summary>Kahneman-Tversky Optimisation on answers labelled desirable or undesirable (<c>feedback</c> rows); its reference
    /// is DPO's.</summary>
    Kto,
}
