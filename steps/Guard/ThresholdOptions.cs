using System.ComponentModel.DataAnnotations;

namespace Workflows.Steps.Guard;

/// <summary>The most a category may be violated before the step fails (an entry under <c>thresholds:</c>).</summary>
public sealed record ThresholdOptions
{
    /// <summary>Largest share of items (prompts, or scanned rows for <c>scan.*</c>) with a violation of the category.
    /// Default 0 (any violation fails); range 0 to 1.</summary>
    [Range(0.0, 1.0)]
    public double MaxViolationRate { get; init; }
}
