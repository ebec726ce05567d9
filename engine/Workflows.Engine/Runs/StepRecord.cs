namespace Workflows.Engine.Runs;

/// <summary>One step of a run as recorded in <c>run.json</c>.</summary>
public sealed class StepRecord
{
    public required string Name { get; init; }
    public required string Type { get; init; }
    public StepState State { get; set; } = StepState.Pending;

    /// <summary>Why it ran or was cached, as the plan said.</summary>
    public string? Reason { get; set; }

    public string? Fingerprint { get; set; }

    /// <summary>The step's run id in the tracker (MLflow), so a later cache hit can link to it.</summary>
    public string? TrackingRunId { get; set; }
    public DateTimeOffset? Started { get; set; }
    public DateTimeOffset? Ended { get; set; }
    public double? Seconds => Started is { } s && Ended is { } e ? Math.Round((e - s).TotalSeconds, 3) : null;

    /// <summary>Output name → artifact digest in the store.</summary>
    public Dictionary<string, string> Outputs { get; set; } = [];

    public Dictionary<string, double> Metrics { get; set; } = [];

    /// <summary>For a failed or skipped step: what went wrong, or which upstream step failed.</summary>
    public string? Error { get; set; }
}
