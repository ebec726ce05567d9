namespace Workflows.Engine.Planning;

public enum StepDecision
{
    /// <summary>The step will execute.</summary>
    Run,
    /// <summary>Its outputs come from the run cache.</summary>
    Cached,
    /// <summary>Left out by <c>--step</c> or <c>--from</c>.</summary>
    NotSelected,
}
