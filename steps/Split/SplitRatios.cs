using System.ComponentModel.DataAnnotations;

namespace Workflows.Steps.Split;

/// <summary>Share of rows for each split (YAML <c>ratios:</c>); they must add up to 1. A <c>ratios:</c>
/// map replaces the default 0.8/0.1/0.1 whole: a split it leaves out gets 0, so
/// <c>ratios: { train: 0.8, validation: 0.2 }</c> means no test split.</summary>
public sealed record SplitRatios
{
    /// <summary>Share for <c>train</c>. 0 when left out of <c>ratios:</c>; range 0 to 1.</summary>
    [Range(0.0, 1.0)]
    public double Train { get; init; }

    /// <summary>Share for <c>validation</c>. 0 when left out of <c>ratios:</c>; range 0 to 1.</summary>
    [Range(0.0, 1.0)]
    public double Validation { get; init; }

    /// <summary>Share for <c>test</c>; 0 leaves the <c>test</c> output out. 0 when left out of <c>ratios:</c>; range 0 to 1.</summary>
    [Range(0.0, 1.0)]
    public double Test { get; init; }
}
