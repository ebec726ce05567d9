namespace Workflows.Steps.Merge;

/// <summary>How several adapters become one (PEFT's <c>add_weighted_adapter</c> combination types).</summary>
public enum CombinationMethod
{
    /// <summary>Weighted A and weighted B (each by √(w·s)); ranks must be equal. NOT the weighted sum of
    /// the updates: B A gains cross terms between adapters.</summary>
    Linear,
    /// <summary>A rows and weighted B columns stacked: ranks add, and the update is exactly the weighted sum of the updates.</summary>
    Cat,
    /// <summary>The weighted sum of the updates, truncated per layer to <c>svd_rank</c> singular directions.</summary>
    Svd,
    /// <summary>TIES on A and on B: keep the top <c>density</c> by magnitude, elect a sign, average what agrees. Equal ranks.</summary>
    Ties,
    /// <summary>DARE on A and on B: drop entries at random (kept with probability <c>density</c>, rescaled), then sum. Equal ranks.</summary>
    DareLinear,
    /// <summary>DARE then TIES' sign election. Equal ranks.</summary>
    DareTies,
}
