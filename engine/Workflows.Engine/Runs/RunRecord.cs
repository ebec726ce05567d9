namespace Workflows.Engine.Runs;

/// <summary>A run as recorded in <c>.wf/runs/&lt;id&gt;/run.json</c>: enough to show it and to resume it.</summary>
public sealed class RunRecord
{
    public required string Id { get; init; }

    /// <summary>The workflow file as the user named it.</summary>
    public required string WorkflowFile { get; init; }
    public required string WorkflowName { get; init; }
    public required int WorkflowVersion { get; init; }
    public required string ContentHash { get; init; }

    /// <summary><c>--set params.x=v</c> overrides, re-applied on resume.</summary>
    public Dictionary<string, string> ParamOverrides { get; init; } = [];
    public string? OnlyStep { get; init; }
    public string? FromStep { get; init; }
    public List<string> ForcedSteps { get; init; } = [];

    public RunStatus Status { get; set; } = RunStatus.Running;
    public DateTimeOffset Started { get; set; }
    public DateTimeOffset? Ended { get; set; }

    /// <summary>Commit, branch and dirty flag of the project when the run started (when it is a git repo).</summary>
    public Dictionary<string, string> Source { get; init; } = [];
    public string? TrackingRunId { get; set; }
    public int Attempts { get; set; } = 1;

    public List<StepRecord> Steps { get; init; } = [];

    public StepRecord Step(string name) => Steps.First(s => s.Name == name);
}
