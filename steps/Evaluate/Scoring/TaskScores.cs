namespace Workflows.Steps.Evaluate.Scoring;

/// <summary>One task's result for one model: its metrics and a few scored items for the report.</summary>
internal sealed record TaskScores(Dictionary<string, double> Metrics, List<ScoredItem> Samples);
