using System.ComponentModel.DataAnnotations;

namespace Workflows.Steps.Split;

/// <summary>Share of rows for each split (YAML <c>ratios:</c>); they must add up to 1.</summary>
public sealed record SplitRatios
{
    /// <summary>Share for <c>train</c>. Default 0.8; range 0 to 1.</summary>
    [Range(0.0, 1.0)]
    public double Train { get; init; } = 0.8;

    /// <summary>Share for <c>validation</c>. Default 0.1; range 0 to 1.</summary>
    [Range(0.0, 1.0)]
    public double Validation { get; init; } = 0.1;

    /// <summary>Share for <c>test</c>; 0 leaves the <c>test</c> output out. Default 0.1; range 0 to 1.</summary>
    [Range(0.0, 1.0)]
    public double Test { get; init; } = 0.1;
}
