namespace Workflows.Steps.Evaluate.Scoring;

/// <summary>One item as the report shows it: what the model was asked, what it answered, and how that scored.</summary>
internal sealed record ScoredItem(string Id, string Prompt, string Reference, string Prediction, double Score);
