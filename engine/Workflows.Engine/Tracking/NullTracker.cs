namespace Workflows.Engine.Tracking;

/// <summary>Records nothing; used when tracking is switched off (<c>tracking: { enabled: false }</c>).</summary>
public sealed class NullTracker : ITracker
{
    private int _next;

    public Task<string> StartRunAsync(TrackingRunStart start, CancellationToken cancellationToken) =>
        Task.FromResult($"null-{Interlocked.Increment(ref _next)}");

    public Task LogParamsAsync(string runId, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task LogMetricsAsync(string runId, IReadOnlyList<MetricPoint> metrics, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task SetTagsAsync(string runId, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task LogArtifactAsync(string runId, string localPath, string? artifactPath, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task EndRunAsync(string runId, TrackingRunStatus status, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<string?> RegisterModelAsync(string runId, ModelRegistration registration, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(null);
}
