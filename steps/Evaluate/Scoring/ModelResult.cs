namespace Workflows.Steps.Evaluate.Scoring;

/// <summary>Every task's scores for one model (the base or one adapter).</summary>
internal sealed record ModelResult(string Name, string Source, Dictionary<string, TaskScores> Tasks, string? Base = null)
{
    public bool IsBase => Name == BaseName;

    public const string BaseName = "base";
}
