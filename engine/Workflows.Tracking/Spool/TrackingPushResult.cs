namespace Workflows.Tracking.Spool;

/// <summary>What a push did. Running the same push again reports the work as skipped or found.</summary>
/// <param name="EventsApplied">Events sent to the server this time.</param>
/// <param name="EventsSkipped">Events an earlier push had already applied.</param>
/// <param name="RunsCreated">Runs created on the server.</param>
/// <param name="RunsFound">Runs that already existed on the server (found by their client run id tag).</param>
/// <param name="MetricsSent">Metric values sent.</param>
/// <param name="MetricsSkipped">Metric values the server already had.</param>
public sealed record TrackingPushResult(
    int EventsApplied, int EventsSkipped, int RunsCreated, int RunsFound, int MetricsSent, int MetricsSkipped);
