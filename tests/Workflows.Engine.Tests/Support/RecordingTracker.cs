using System.Collections.Concurrent;
using Workflows.Engine.Tracking;

namespace Workflows.Engine.Tests.Support;

/// <summary>Remembers every tracking call, for assertions on what a run records.</summary>
public sealed class RecordingTracker : ITracker
{
    private int _next;

    public ConcurrentDictionary<string, TrackingRunStart> Runs { get; } = new();
    public ConcurrentDictionary<string, TrackingRunStatus> Ended { get; } = new();
    public ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> Params { get; } = new();
    public ConcurrentQueue<(string RunId, MetricPoint Metric)> Metrics { get; } = new();
    public ConcurrentQueue<(string RunId, string ArtifactPath)> Artifacts { get; } = new();
    public ConcurrentQueue<(string RunId, string LocalPath, string ArtifactPath)> ArtifactFiles { get; } = new();
    public ConcurrentDictionary<string, ConcurrentDictionary<string, string>> Tags { get; } = new();

    public Task<string> StartRunAsync(TrackingRunStart start, CancellationToken cancellationToken)
    {
        var id = $"run-{Interlocked.Increment(ref _next)}";
        Runs[id] = start;
        return Task.FromResult(id);
    }

    public Task LogParamsAsync(string runId, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken)
    {
        Params[runId] = parameters;
        return Task.CompletedTask;
    }

    public Task LogMetricsAsync(string runId, IReadOnlyList<MetricPoint> metrics, CancellationToken cancellationToken)
    {
        foreach (var metric in metrics) Metrics.Enqueue((runId, metric));
        return Task.CompletedTask;
    }

    public Task SetTagsAsync(string runId, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        var known = Tags.GetOrAdd(runId, _ => new ConcurrentDictionary<string, string>());
        foreach (var (key, value) in tags) known[key] = value;
        return Task.CompletedTask;
    }

    public Task LogArtifactAsync(string runId, string localPath, string? artifactPath, CancellationToken cancellationToken)
    {
        Artifacts.Enqueue((runId, artifactPath ?? ""));
        ArtifactFiles.Enqueue((runId, localPath, artifactPath ?? ""));
        return Task.CompletedTask;
    }

    public Task EndRunAsync(string runId, TrackingRunStatus status, CancellationToken cancellationToken)
    {
        Ended[runId] = status;
        return Task.CompletedTask;
    }

    public Task<string?> RegisterModelAsync(string runId, ModelRegistration registration, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(null);

    public string RunOf(string stepName) => Runs.Single(r => r.Value.Tags.GetValueOrDefault("wf.step") == stepName).Key;
}
