namespace Workflows.Steps.Train.Preference;

/// <summary>The DPO loss (TRL's <c>loss_type</c>).</summary>
public enum DpoLossType
{
    /// <summary>−log σ(β · margin), with optional label smoothing (conservative DPO).</summary>
    Sigmoid,
    /// <summary>IPO: (margin − 1/(2β))² on length-averaged log-probabilities.</summary>
    Ipo,
}
