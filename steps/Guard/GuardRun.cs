namespace Workflows.Steps.Guard;

/// <summary>Everything one guard run found, for the report and the metrics.</summary>
internal sealed record GuardRun(
    GuardOptions Options,
    IReadOnlyList<GuardItem>? SuiteItems,
    GuardTally? Suite,
    IReadOnlyList<GuardItem>? ScanItems,
    GuardTally? ScanTally,
    IReadOnlyList<string> Breaches,
    IReadOnlyList<string> Notes)
{
    /// <summary>Metrics for tracking: <c>CATEGORY.violation_rate</c> for the prompts, <c>scan.CATEGORY.violation_rate</c>
    /// for the scan (every switched-on category, zeros included), item counts and the refusal rate.</summary>
    public Dictionary<string, double> Metrics()
    {
        var metrics = new Dictionary<string, double>();
        if (Suite is not null)
        {
            metrics["items"] = Suite.Items;
            metrics["refusal_rate"] = 1 - Suite.Rate(GuardCategories.NoRefusal);
            foreach (var category in GuardCategories.Known(Options).Where(c => !c.StartsWith(GuardCategories.ScanPrefix, StringComparison.Ordinal)))
                metrics[$"{category}.violation_rate"] = Suite.Rate(category);
        }
        if (ScanTally is not null)
        {
            metrics["scan.items"] = ScanTally.Items;
            foreach (var category in GuardCategories.Rules(Options)) metrics[$"scan.{category}.violation_rate"] = ScanTally.Rate(category);
        }
        return metrics;
    }
}
