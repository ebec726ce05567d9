namespace Workflows.Steps.Evaluate.Charts;

/// <summary>One group of bars: its caption lines (drawn under the axis) and one value per series, in series
/// order. A value that is not finite draws no bar and is labelled "n/a".</summary>
internal sealed record BarGroup(IReadOnlyList<string> Caption, IReadOnlyList<double> Values);
