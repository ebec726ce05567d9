using System.Collections.Concurrent;
using Workflows.Engine.Tracking;

namespace Workflows.Tracking.Rest;

/// <summary>The tracking operations in MLflow's terms, within the server's limits and quirks; shared by the
/// live tracker and by <c>wf tracking push</c>.</summary>
internal sealed class MlflowOperations(MlflowConnection connection)
{
    /// <summary>Server limits per <c>runs/log-batch</c> call.</summary>
    public const int MaxMetricsPerBatch = 1000;
    public const int MaxParamsAndTagsPerBatch = 100;

    /// <summary>What the Python client asks for; see <see cref="IMlflowApi.GetMetricHistoryAsync"/>.</summary>
    public const int MetricHistoryPageSize = 25000;

    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _experiments = new(StringComparer.Ordinal);

    public MlflowConnection Connection => connection;

    /// <summary>Looks the experiment up first; creates it when missing; a create that loses a race
    /// (RESOURCE_ALREADY_EXISTS) means it exists now, so look again.</summary>
    public Task<string> GetOrCreateExperimentAsync(string name, CancellationToken cancellationToken)
    {
        var lazy = _experiments.GetOrAdd(name, _ => new Lazy<Task<string>>(() => LookUpOrCreateAsync(name, cancellationToken)));
        var task = lazy.Value;
        // A failed lookup must not stick: the next run tries again once the server is back.
        _ = task.ContinueWith(t => _experiments.TryRemove(new(name, lazy)), TaskContinuationOptions.NotOnRanToCompletion);
        return task;
    }

    /// <summary>Creates a run tagged with <paramref name="clientRunId"/>. A retry first looks for that tag,
    /// because an attempt that timed out may have created the run after all.</summary>
    public async Task<MlflowRunInfo> CreateRunAsync(
        string experimentId, string clientRunId, string runName, string userName, long startTime,
        IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        var cleaned = TrackingKeys.Clean(tags, TrackingKeys.TruncateTag)
            .Where(pair => pair.Key != MlflowTags.ClientRunId)
            .Select(pair => new MlflowTag(pair.Key, pair.Value))
            .Prepend(new MlflowTag(MlflowTags.ClientRunId, clientRunId))
            .ToList();
        // At most 100 tags go with the create (the client id first, so a lookup can always find it).
        var request = new CreateRunRequest(experimentId, runName, userName, startTime, cleaned.Take(MaxParamsAndTagsPerBatch).ToList());
        var attempt = 0;
        var info = await connection.SendAsync("runs/create", async token =>
        {
            if (attempt++ > 0 && await SearchByClientIdAsync(experimentId, clientRunId, token) is { } created)
            {
                return created;
            }

            return (await connection.Api.CreateRunAsync(request, token)).Run.Info;
        }, cancellationToken);
        await LogBatchesAsync(info.RunId, [], [], cleaned.Skip(MaxParamsAndTagsPerBatch).ToList(), cancellationToken);
        return info;
    }

    public Task<MlflowRunInfo> GetRunAsync(string runId, CancellationToken cancellationToken) =>
        connection.SendAsync("runs/get", async token => (await connection.Api.GetRunAsync(runId, token)).Run.Info, cancellationToken);

    /// <summary>The run this client created with the given client id, if the server has one.</summary>
    public Task<MlflowRunInfo?> FindRunByClientIdAsync(string experimentId, string clientRunId, CancellationToken cancellationToken) =>
        connection.SendAsync("runs/search", token => SearchByClientIdAsync(experimentId, clientRunId, token), cancellationToken);

    /// <summary>Sends in chunks under the server's limits; returns how many metrics went out, so a caller
    /// that fails half-way knows which ones are still to send.</summary>
    public async Task LogBatchesAsync(
        string runId, IReadOnlyList<MlflowMetric> metrics, IReadOnlyList<MlflowParam> parameters, IReadOnlyList<MlflowTag> tags,
        CancellationToken cancellationToken, Action<int>? metricsSent = null)
    {
        for (var offset = 0; offset < parameters.Count; offset += MaxParamsAndTagsPerBatch)
        {
            var chunk = parameters.Skip(offset).Take(MaxParamsAndTagsPerBatch).ToList();
            await SendBatchAsync(new LogBatchRequest(runId, [], chunk, []), cancellationToken);
        }

        for (var offset = 0; offset < tags.Count; offset += MaxParamsAndTagsPerBatch)
        {
            var chunk = tags.Skip(offset).Take(MaxParamsAndTagsPerBatch).ToList();
            await SendBatchAsync(new LogBatchRequest(runId, [], [], chunk), cancellationToken);
        }

        for (var offset = 0; offset < metrics.Count; offset += MaxMetricsPerBatch)
        {
            var chunk = metrics.Skip(offset).Take(MaxMetricsPerBatch).ToList();
            await SendBatchAsync(new LogBatchRequest(runId, chunk, [], []), cancellationToken);
            metricsSent?.Invoke(offset + chunk.Count);
        }
    }

    public async Task<IReadOnlyList<MlflowMetric>> GetMetricHistoryAsync(string runId, string key, CancellationToken cancellationToken)
    {
        var all = new List<MlflowMetric>();
        string? pageToken = null;
        do
        {
            var token0 = pageToken;
            var page = await connection.SendAsync("metrics/get-history",
                token => connection.Api.GetMetricHistoryAsync(runId, key, MetricHistoryPageSize, token0, token), cancellationToken);
            all.AddRange(page.Metrics ?? []);
            // An empty page with a token is the upstream paging bug; following it would loop forever.
            pageToken = page.Metrics is { Count: > 0 } ? page.NextPageToken : null;
        }
        while (!string.IsNullOrEmpty(pageToken));

        return all;
    }

    public Task EndRunAsync(string runId, TrackingRunStatus status, long endTime, CancellationToken cancellationToken)
    {
        var request = new UpdateRunRequest(runId, StatusName(status), status == TrackingRunStatus.Running ? null : endTime);
        return connection.SendAsync("runs/update", token => connection.Api.UpdateRunAsync(request, token), cancellationToken);
    }

    /// <summary>Uploads through the server's artifact proxy (<c>mlflow-artifacts:</c> URIs).</summary>
    public Task UploadArtifactAsync(MlflowRunInfo run, string artifactPath, string localFile, CancellationToken cancellationToken)
    {
        var prefix = ProxiedArtifactPrefix(run);
        var parts = artifactPath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return connection.UploadAsync($"{prefix}/{string.Join('/', parts)}", localFile, cancellationToken);
    }

    /// <summary>Registers a version of <paramref name="registration"/>'s model from the run's artifact path,
    /// unless one with this run id and source exists already (a re-push after its state was lost), then sets
    /// the version's tags and moves its aliases. All three are idempotent, so a replay changes nothing.</summary>
    public async Task<string> RegisterModelAsync(MlflowRunInfo run, ModelRegistration registration, CancellationToken cancellationToken)
    {
        var modelName = registration.Name;
        try
        {
            await connection.SendAsync("registered-models/create",
                token => connection.Api.CreateRegisteredModelAsync(new CreateRegisteredModelRequest(modelName), token), cancellationToken);
        }
        catch (MlflowException error) when (error.ErrorCode == "RESOURCE_ALREADY_EXISTS")
        {
            // Registering a new version of an existing model is the normal case.
        }

        var source = $"{run.ArtifactUri?.TrimEnd('/')}/{registration.ArtifactPath.Trim('/')}".TrimEnd('/');
        var version = await FindVersionAsync(modelName, run.RunId, source, cancellationToken);
        if (version is null)
        {
            var request = new CreateModelVersionRequest(modelName, source, run.RunId);
            var response = await connection.SendAsync("model-versions/create", token => connection.Api.CreateModelVersionAsync(request, token), cancellationToken);
            version = response.ModelVersion.Version;
        }

        foreach (var (key, value) in TrackingKeys.Clean(registration.Tags, TrackingKeys.TruncateTag))
        {
            var tag = new SetModelVersionTagRequest(modelName, version, key, value);
            await connection.SendAsync("model-versions/set-tag", token => connection.Api.SetModelVersionTagAsync(tag, token), cancellationToken);
        }

        foreach (var alias in registration.Aliases)
        {
            var request = new SetModelAliasRequest(modelName, alias, version);
            await connection.SendAsync("registered-models/alias", token => connection.Api.SetModelAliasAsync(request, token), cancellationToken);
        }

        return version;
    }

    /// <summary>The lowest version of <paramref name="modelName"/> made from this run and source, if any.</summary>
    private async Task<string?> FindVersionAsync(string modelName, string runId, string source, CancellationToken cancellationToken)
    {
        var filter = $"name='{modelName.Replace("'", "\\'")}' and run_id='{runId}'";
        var found = new List<MlflowModelVersion>();
        string? pageToken = null;
        do
        {
            var token0 = pageToken;
            var page = await connection.SendAsync("model-versions/search",
                token => connection.Api.SearchModelVersionsAsync(filter, 1000, token0, token), cancellationToken);
            found.AddRange(page.ModelVersions ?? []);
            pageToken = page.ModelVersions is { Count: > 0 } ? page.NextPageToken : null;
        }
        while (!string.IsNullOrEmpty(pageToken));

        return found
            .Where(v => v.RunId == runId && v.Source?.TrimEnd('/') == source)
            .OrderBy(v => long.TryParse(v.Version, out var n) ? n : long.MaxValue)
            .FirstOrDefault()?.Version;
    }

    /// <summary>Only these strings change a run's status; MLflow silently ignores others.</summary>
    public static string StatusName(TrackingRunStatus status) => status switch
    {
        TrackingRunStatus.Running => "RUNNING",
        TrackingRunStatus.Finished => "FINISHED",
        TrackingRunStatus.Failed => "FAILED",
        TrackingRunStatus.Killed => "KILLED",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "unknown run status"),
    };

    public static TrackingRunStatus ParseStatus(string status) => status switch
    {
        "RUNNING" or "SCHEDULED" => TrackingRunStatus.Running,
        "FINISHED" => TrackingRunStatus.Finished,
        "FAILED" => TrackingRunStatus.Failed,
        "KILLED" => TrackingRunStatus.Killed,
        _ => throw new FormatException($"unknown run status '{status}'"),
    };

    public static MlflowMetric ToMetric(string key, double value, long step, long timestamp) => new(key, value, timestamp, step);

    private static string ProxiedArtifactPrefix(MlflowRunInfo run)
    {
        const string scheme = "mlflow-artifacts:";
        var uri = run.ArtifactUri ?? string.Empty;
        if (!uri.StartsWith(scheme, StringComparison.Ordinal))
        {
            throw new MlflowException("ARTIFACTS_NOT_PROXIED",
                $"run {run.RunId} stores artifacts at '{uri}', which this client cannot upload to; start the server with artifact proxying (the default of 'mlflow server', --artifacts-destination)");
        }

        // mlflow-artifacts:/1/<run>/artifacts, or mlflow-artifacts://host/1/<run>/artifacts.
        var path = uri[scheme.Length..].TrimStart('/');
        if (uri.StartsWith(scheme + "//", StringComparison.Ordinal))
        {
            path = path[(path.IndexOf('/') + 1)..];
        }

        return path.TrimEnd('/');
    }

    private async Task<MlflowRunInfo?> SearchByClientIdAsync(string experimentId, string clientRunId, CancellationToken cancellationToken)
    {
        var request = new SearchRunsRequest([experimentId], $"tags.`{MlflowTags.ClientRunId}` = '{clientRunId}'", 1);
        var response = await connection.Api.SearchRunsAsync(request, cancellationToken);
        return response.Runs is { Count: > 0 } runs ? runs[0].Info : null;
    }

    private Task SendBatchAsync(LogBatchRequest request, CancellationToken cancellationToken) =>
        connection.SendAsync("runs/log-batch", token => connection.Api.LogBatchAsync(request, token), cancellationToken);

    private async Task<string> LookUpOrCreateAsync(string name, CancellationToken cancellationToken)
    {
        if (await FindExperimentAsync(name, cancellationToken) is { } existing)
        {
            return existing;
        }

        try
        {
            var created = await connection.SendAsync("experiments/create",
                token => connection.Api.CreateExperimentAsync(new CreateExperimentRequest(name), token), cancellationToken);
            return created.ExperimentId;
        }
        catch (MlflowException error) when (error.ErrorCode == "RESOURCE_ALREADY_EXISTS")
        {
            return await FindExperimentAsync(name, cancellationToken)
                ?? throw new MlflowException(error.ErrorCode, $"experiment '{name}' exists but cannot be looked up", error.StatusCode, error);
        }
    }

    private async Task<string?> FindExperimentAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var found = await connection.SendAsync("experiments/get-by-name",
                token => connection.Api.GetExperimentByNameAsync(name, token), cancellationToken);
            if (found.Experiment.LifecycleStage == "deleted")
            {
                throw new MlflowException("RESOURCE_ALREADY_EXISTS",
                    $"experiment '{name}' is deleted on the server; restore it (mlflow experiments restore) or use another tracking.experiment");
            }

            return found.Experiment.ExperimentId;
        }
        catch (MlflowException error) when (error.ErrorCode == "RESOURCE_DOES_NOT_EXIST")
        {
            return null;
        }
    }
}
