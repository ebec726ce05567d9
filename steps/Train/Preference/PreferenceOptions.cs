using System.ComponentModel.DataAnnotations;

namespace Workflows.Steps.Train.Preference;

/// <summary>Settings of the preference objectives (YAML <c>preference:</c>); ignored for <c>objective: sft</c>.
/// Names and defaults follow TRL's DPOConfig, CPOConfig (SimPO), ORPOConfig and KTOConfig.</summary>
public sealed record PreferenceOptions
{
    /// <summary>β: DPO/KTO temperature against the reference, SimPO reward scale, ORPO's weight λ of the
    /// odds-ratio term. Default 0.1; range 0.0001 to 100.</summary>
    [Range(0.0001, 100.0)]
    public double Beta { get; init; } = 0.1;

    /// <summary>DPO loss: <c>sigmoid</c> or <c>ipo</c>. Default sigmoid.</summary>
    public DpoLossType Loss { get; init; } = DpoLossType.Sigmoid;

    /// <summary>Probability that a pair's preference label is flipped (conservative DPO, also SimPO). Default 0; range 0 to 0.5.</summary>
    [Range(0.0, 0.5)]
    public double LabelSmoothing { get; init; }

    /// <summary>SimPO's target reward margin γ (TRL <c>simpo_gamma</c>). Default 0.5; range 0 to 100.</summary>
    [Range(0.0, 100.0)]
    public double SimpoGamma { get; init; } = 0.5;

    /// <summary>KTO: weight of desirable answers' losses. Default 1; range 0 to 100.</summary>
    [Range(0.0, 100.0)]
    public double DesirableWeight { get; init; } = 1.0;

    /// <summary>KTO: weight of undesirable answers' losses. Default 1; range 0 to 100.</summary>
    [Range(0.0, 100.0)]
    public double UndesirableWeight { get; init; } = 1.0;

    /// <summary>DPO: compute the reference policy's log-probabilities of every training and validation pair once,
    /// before the first step (TRL's <c>precompute_ref_log_probs</c>), instead of one reference forward pass per
    /// batch. Same results; each step then runs only the policy. Default false.</summary>
    public bool PrecomputeRefLogProbs { get; init; }

    /// <summary>Most prompt tokens before each answer (TRL's <c>max_prompt_length</c>): a longer prompt keeps
    /// its end (BOS, then its last tokens), so long conversations leave room for the answers instead of
    /// pushing them past <c>max_seq_len</c>. Default: none (the prompt is kept whole); range 1 to 131,072.</summary>
    [Range(1, 131072)]
    public int? MaxPromptLength { get; init; }
}
