using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Workflows.Engine.Tracking;

/// <summary>Wraps a tracker so transient failures (I/O, network, timeouts) are retried with backoff and
/// anything still failing becomes a warning: tracking never fails a run that otherwise worked.</summary>
/// <remarks>Deterministic failures (a rejected request) are not retried: retrying cannot fix them.</remarks>
public sealed class ResilientTracker : ITracker
{
    private readonly ITracker _inner;
    private readonly Action<string> _warn;
    private readonly ResiliencePipeline _pipeline;

    public ResilientTracker(ITracker inner, Action<string> warn, int maxRetries = 3, TimeSpan? baseDelay = null)
    {
        _inner = inner;
        _warn = warn;
        _pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<IOException>().Handle<HttpRequestException>().Handle<TimeoutRejectedException>(),
                MaxRetryAttempts = Math.Max(1, maxRetries),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = baseDelay ?? TimeSpan.FromMilliseconds(200),
            })
            .Build();
    }

    public async Task<string> StartRunAsync(TrackingRunStart start, CancellationToken cancellationToken) =>
        await Guarded(ct => _inner.StartRunAsync(start, ct), $"untracked-{Guid.NewGuid():N}", $"start run '{start.RunName}'", cancellationToken);

    public Task LogParamsAsync(string runId, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken) =>
        Guarded(async ct => { await _inner.LogParamsAsync(runId, parameters, ct); return true; }, false, "log params", cancellationToken);

    public Task LogMetricsAsync(string runId, IReadOnlyList<MetricPoint> metrics, CancellationToken cancellationToken) =>
        Guarded(async ct => { await _inner.LogMetricsAsync(runId, metrics, ct); return true; }, false, "log metrics", cancellationToken);

    public Task SetTagsAsync(string runId, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken) =>
        Guarded(async ct => { await _inner.SetTagsAsync(runId, tags, ct); return true; }, false, "set tags", cancellationToken);

    public Task LogArtifactAsync(string runId, string localPath, string? artifactPath, CancellationToken cancellationToken) =>
        Guarded(async ct => { await _inner.LogArtifactAsync(runId, localPath, artifactPath, ct); return true; }, false, $"log artifact {localPath}", cancellationToken);

    public Task EndRunAsync(string runId, TrackingRunStatus status, CancellationToken cancellationToken) =>
        Guarded(async ct => { await _inner.EndRunAsync(runId, status, ct); return true; }, false, "end run", cancellationToken);

    public Task<string?> RegisterModelAsync(string runId, ModelRegistration registration, CancellationToken cancellationToken) =>
        Guarded(ct => _inner.RegisterModelAsync(runId, registration, ct), null, $"register model '{registration.Name}'", cancellationToken);

    private static string TrimLabel(string message) =>
        message.StartsWith("tracking: ", StringComparison.Ordinal) ? message["tracking: ".Length..] : message;

    private async Task<T> Guarded<T>(Func<CancellationToken, Task<T>> call, T fallback, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await _pipeline.ExecuteAsync(async ct => await call(ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The observer already labels these lines "tracking"; inner messages may carry the label too.
            _warn($"could not {what}: {TrimLabel(e.Message)}");
            return fallback;
        }
    }
}
