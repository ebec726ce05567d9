namespace Workflows.Steps.Evaluate;

/// <summary>The metric names each task type reports (besides <c>items</c>, the number of items scored).</summary>
internal static class TaskMetrics
{
    public const string Items = "items";

    public static IReadOnlyList<string> Of(EvalTaskType type) => type switch
    {
        EvalTaskType.Perplexity => ["loss", "perplexity", "tokens"],
        EvalTaskType.MultipleChoice => ["acc", "acc_norm"],
        EvalTaskType.Generation => ["exact_match", "contains", "f1", "rouge_l"],
        EvalTaskType.Preference => ["accuracy", "accuracy_norm", "margin", "margin_norm"],
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>The metrics <paramref name="task"/> reports: its type's, and <c>end_of_turn</c> for generation with a chat template.</summary>
    public static IEnumerable<string> Of(EvalTaskOptions task) =>
        task.Type == EvalTaskType.Generation && task.ChatTemplate is not null ? [.. Of(task.Type), Scoring.GenerationScorer.EndOfTurn] : Of(task.Type);

    /// <summary>True when a higher value is better (for the report's delta arrows).</summary>
    public static bool HigherIsBetter(string metric) => metric is not ("loss" or "perplexity");
}
