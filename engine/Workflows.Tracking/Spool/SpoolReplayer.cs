using Workflows.Tracking.Rest;

namespace Workflows.Tracking.Spool;

/// <summary>Applies spool events to a server, idempotently: a run is looked up by its client run id tag
/// before it is created, metric values the server already has are not sent again, params, tags, end
/// and artifact uploads are idempotent by nature, and applied event ids are remembered.</summary>
internal sealed class SpoolReplayer(MlflowOperations operations, PushState state, string statePath)
{
    private readonly HashSet<string> _createdNow = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MlflowRunInfo> _infos = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Run, string Key), HashSet<(long Step, long Timestamp, double Value)>> _history = [];
    private int _applied, _skipped, _created, _found, _metricsSent, _metricsSkipped;

    public TrackingPushResult Result => new(_applied, _skipped, _created, _found, _metricsSent, _metricsSkipped);

    /// <summary>Applies one event unless an earlier push did; relative artifact paths resolve against
    /// <paramref name="baseDirectory"/>.</summary>
    public async Task ApplyAsync(SpoolEvent spoolEvent, string baseDirectory, CancellationToken cancellationToken)
    {
        if (state.Applied.Contains(spoolEvent.Id))
        {
            _skipped++;
            return;
        }

        if (spoolEvent.Kind == SpoolEventKind.Start)
        {
            await StartAsync(spoolEvent, cancellationToken);
        }
        else
        {
            var runId = ServerRunId(spoolEvent);
            switch (spoolEvent.Kind)
            {
                case SpoolEventKind.Params:
                    var parameters = (spoolEvent.Params ?? new Dictionary<string, string>()).Select(p => new MlflowParam(p.Key, p.Value)).ToList();
                    await operations.LogBatchesAsync(runId, [], parameters, [], cancellationToken);
                    break;
                case SpoolEventKind.Tags:
                    var tags = (spoolEvent.Tags ?? new Dictionary<string, string>()).Select(t => new MlflowTag(t.Key, t.Value)).ToList();
                    await operations.LogBatchesAsync(runId, [], [], tags, cancellationToken);
                    break;
                case SpoolEventKind.Metrics:
                    await MetricsAsync(runId, spoolEvent.Metrics ?? [], cancellationToken);
                    break;
                case SpoolEventKind.Artifact:
                    var file = Path.Combine(baseDirectory, spoolEvent.LocalFile!);
                    await operations.UploadArtifactAsync(await InfoAsync(runId, cancellationToken), spoolEvent.ArtifactPath!, file, cancellationToken);
                    break;
                case SpoolEventKind.End:
                    await operations.EndRunAsync(runId, MlflowOperations.ParseStatus(spoolEvent.Status!), spoolEvent.Time ?? 0, cancellationToken);
                    break;
                case SpoolEventKind.Register:
                    var registration = new Engine.Tracking.ModelRegistration(spoolEvent.ModelName!, spoolEvent.ArtifactPath ?? string.Empty,
                        spoolEvent.Tags ?? new Dictionary<string, string>(), spoolEvent.Aliases ?? []);
                    await operations.RegisterModelAsync(await InfoAsync(runId, cancellationToken), registration, cancellationToken);
                    break;
            }
        }

        state.Applied.Add(spoolEvent.Id);
        state.Save(statePath);
        _applied++;
    }

    private async Task StartAsync(SpoolEvent start, CancellationToken cancellationToken)
    {
        if (state.Runs.ContainsKey(start.ClientRunId))
        {
            return;
        }

        var experimentId = await operations.GetOrCreateExperimentAsync(start.Experiment!, cancellationToken);
        if (await operations.FindRunByClientIdAsync(experimentId, start.ClientRunId, cancellationToken) is { } existing)
        {
            state.Runs[start.ClientRunId] = existing.RunId;
            _infos[existing.RunId] = existing;
            _found++;
            return;
        }

        var tags = new Dictionary<string, string>(start.Tags ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        tags.Remove(MlflowTags.ParentRunId);
        var parentRunId = start.ParentServerRunId
            ?? (start.ParentClientRunId is { } parent ? state.Runs.GetValueOrDefault(parent) : null);
        if (parentRunId is not null)
        {
            tags[MlflowTags.ParentRunId] = parentRunId;
        }
        else if (start.ParentClientRunId is not null)
        {
            throw new MlflowException("PARENT_NOT_PUSHED", $"run {start.ClientRunId}: its parent run {start.ParentClientRunId} is in no pushed spool or store");
        }

        var created = await operations.CreateRunAsync(
            experimentId, start.ClientRunId, start.RunName ?? start.ClientRunId, start.UserName ?? string.Empty, start.Time ?? 0, tags, cancellationToken);
        state.Runs[start.ClientRunId] = created.RunId;
        _infos[created.RunId] = created;
        _createdNow.Add(created.RunId);
        _created++;
    }

    private async Task MetricsAsync(string runId, IReadOnlyList<SpoolMetric> metrics, CancellationToken cancellationToken)
    {
        var toSend = new List<MlflowMetric>();
        foreach (var metric in metrics)
        {
            var known = await KnownPointsAsync(runId, metric.Key, cancellationToken);
            if (!known.Add((metric.Step, metric.Timestamp, metric.Value)))
            {
                _metricsSkipped++;
                continue;
            }

            toSend.Add(MlflowOperations.ToMetric(metric.Key, metric.Value, metric.Step, metric.Timestamp));
        }

        await operations.LogBatchesAsync(runId, toSend, [], [], cancellationToken);
        _metricsSent += toSend.Count;
    }

    /// <summary>A run this push created has no history to compare with; any other run might already
    /// hold some of these values (an earlier push that died before saving its state).</summary>
    private async Task<HashSet<(long, long, double)>> KnownPointsAsync(string runId, string key, CancellationToken cancellationToken)
    {
        if (!_history.TryGetValue((runId, key), out var known))
        {
            var history = _createdNow.Contains(runId) ? [] : await operations.GetMetricHistoryAsync(runId, key, cancellationToken);
            known = history.Select(m => (m.Step, m.Timestamp, m.Value)).ToHashSet();
            _history[(runId, key)] = known;
        }

        return known;
    }

    private async Task<MlflowRunInfo> InfoAsync(string runId, CancellationToken cancellationToken)
    {
        if (!_infos.TryGetValue(runId, out var info))
        {
            info = await operations.GetRunAsync(runId, cancellationToken);
            _infos[runId] = info;
        }

        return info;
    }

    private string ServerRunId(SpoolEvent spoolEvent) =>
        spoolEvent.ServerRunId
        ?? state.Runs.GetValueOrDefault(spoolEvent.ClientRunId)
        ?? throw new MlflowException("RUN_NOT_PUSHED", $"{spoolEvent.Kind} event {spoolEvent.Id}: run {spoolEvent.ClientRunId} was never started in this spool or store");
}
