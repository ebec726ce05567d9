namespace Workflows.Engine.Tracking;

/// <summary>Where runs are recorded for people to browse (MLflow, a local file store, nothing).
/// A workflow run is a parent run; each step is a nested run.</summary>
/// <remarks>Implementations must not throw for transient outages in a way that loses data: the engine
/// wraps calls in a retry pipeline for transient errors and reports anything else as a warning, since
/// tracking must never fail a run that otherwise succeeded.</remarks>
public interface ITracker
{
    /// <summary>Starts a run. <paramref name="parentRunId"/> is null for the workflow run.</summary>
    Task<string> StartRunAsync(TrackingRunStart start, CancellationToken cancellationToken);

    Task LogParamsAsync(string runId, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken);

    Task LogMetricsAsync(string runId, IReadOnlyList<MetricPoint> metrics, CancellationToken cancellationToken);

    Task SetTagsAsync(string runId, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken);

    /// <summary>Copies a file or folder into the run's artifacts under <paramref name="artifactPath"/>.</summary>
    Task LogArtifactAsync(string runId, string localPath, string? artifactPath, CancellationToken cancellationToken);

    Task EndRunAsync(string runId, TrackingRunStatus status, CancellationToken cancellationToken);

    /// <summary>Registers a model version from a run's artifact path, with its version tags and aliases.
    /// Registering the same run and artifact path again returns the existing version instead of a new one.</summary>
    /// <returns>The version, or null when the tracker has no registry (or keeps the request for later).</returns>
    Task<string?> RegisterModelAsync(string runId, ModelRegistration registration, CancellationToken cancellationToken);
}

/// <summary>What a run starts with.</summary>
/// <param name="Experiment">Experiment name (from <c>tracking.experiment</c>, default the workflow name).</param>
/// <param name="RunName">Display name: the workflow name for a parent run, the step name for a step.</param>
/// <param name="ParentRunId">The workflow run's id for a step run, else null.</param>
/// <param name="Tags">Tags set at creation (git commit, workflow hash, fingerprint, cached).</param>
public sealed record TrackingRunStart(
    string Experiment,
    string RunName,
    string? ParentRunId,
    IReadOnlyDictionary<string, string> Tags);

/// <summary>One metric value; <paramref name="Step"/> is the training step (0 when none).</summary>
public sealed record MetricPoint(string Key, double Value, long Step, DateTimeOffset Timestamp);

public enum TrackingRunStatus { Running, Finished, Failed, Killed }
