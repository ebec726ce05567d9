using System.Collections.Concurrent;
using Workflows.Engine.Tracking;
using Workflows.Tracking.Spool;

namespace Workflows.Tracking.Rest;

/// <summary>Tracks runs on an MLflow server. Calls for one run are sent in order; different runs (steps
/// running concurrently) go out in parallel. When the server stays unreachable after every retry, the
/// event and every later event of that run go to the spool for <c>wf tracking push</c>; a run that could
/// not even be created gets a client-side id (same 32-hex shape) that the push maps to the server's.
/// One such failure opens a circuit for the whole tracker: later events are spooled at once instead of
/// spending the retries again, and the server is probed every <see cref="MlflowResilienceOptions.ProbeInterval"/>;
/// runs started after it answers again go to the server, runs already spooled stay there to keep their order.</summary>
internal sealed class MlflowRestTracker : ITracker, IDisposable
{
    private readonly MlflowRestOptions _options;
    private readonly MlflowOperations _operations;
    private readonly TrackingSpool? _spool;
    private readonly ConcurrentDictionary<string, RunState> _runs = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _probeGate = new(1, 1);
    private long _nextProbe = long.MinValue; // ms since epoch; MinValue while the circuit is closed

    public MlflowRestTracker(MlflowRestOptions options)
    {
        _options = options;
        _operations = new MlflowOperations(new MlflowConnection(options));
        _spool = options.SpoolDirectory is { } directory ? new TrackingSpool(directory) : null;
    }

    public async Task<string> StartRunAsync(TrackingRunStart start, CancellationToken cancellationToken)
    {
        var clientRunId = Guid.NewGuid().ToString("N");
        var startTime = Now();
        var parent = start.ParentRunId is { } parentId ? State(parentId) : null;
        var tags = new Dictionary<string, string>(RunTags.ForStart(start with { ParentRunId = null }, _options.UserName, _options.SourceName));

        if ((parent is null || parent.ServerRunId is not null) && await CircuitClosedAsync(cancellationToken))
        {
            if (parent is not null)
            {
                tags[MlflowTags.ParentRunId] = parent.ServerRunId!;
            }

            try
            {
                var experimentId = await _operations.GetOrCreateExperimentAsync(start.Experiment, cancellationToken);
                var info = await _operations.CreateRunAsync(experimentId, clientRunId, start.RunName, _options.UserName, startTime, tags, cancellationToken);
                _runs[info.RunId] = new RunState(clientRunId) { ServerRunId = info.RunId, Info = info };
                return info.RunId;
            }
            catch (MlflowUnavailableException error) when (_spool is not null)
            {
                // Falls through: the push creates the run instead.
                OpenCircuit(error);
            }
            catch (MlflowUnavailableException error)
            {
                throw Unavailable(error);
            }
        }

        // The parent exists only in the spool (or the server is down): so does this run.
        tags.Remove(MlflowTags.ParentRunId);
        var state = new RunState(clientRunId) { Spooling = true };
        _runs[clientRunId] = state;
        Spool(state, SpoolEventKind.Start, e => e with
        {
            Experiment = start.Experiment,
            RunName = start.RunName,
            UserName = _options.UserName,
            ParentClientRunId = parent?.ClientRunId,
            ParentServerRunId = parent?.ServerRunId,
            Time = startTime,
            Tags = tags,
        });
        return clientRunId;
    }

    public Task LogParamsAsync(string runId, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken)
    {
        var cleaned = TrackingKeys.Clean(parameters, TrackingKeys.TruncateParam);
        var batch = cleaned.Select(pair => new MlflowParam(pair.Key, pair.Value)).ToList();
        // Params are idempotent on the server, so on failure the whole set is spooled again.
        return WithRunAsync(runId, cancellationToken,
            (state, token) => _operations.LogBatchesAsync(state.ServerRunId!, [], batch, [], token),
            state => Spool(state, SpoolEventKind.Params, e => e with { Params = cleaned }));
    }

    public Task LogMetricsAsync(string runId, IReadOnlyList<MetricPoint> metrics, CancellationToken cancellationToken)
    {
        var batch = metrics
            .Select(point => MlflowOperations.ToMetric(TrackingKeys.Sanitize(point.Key), point.Value, point.Step, point.Timestamp.ToUnixTimeMilliseconds()))
            .ToList();
        var sent = 0;
        // Only the chunks that did not go out are spooled, so no metric value is ever doubled.
        return WithRunAsync(runId, cancellationToken,
            (state, token) => _operations.LogBatchesAsync(state.ServerRunId!, batch, [], [], token, count => sent = count),
            state => Spool(state, SpoolEventKind.Metrics, e => e with
            {
                Metrics = batch.Skip(sent).Select(m => new SpoolMetric(m.Key, m.Value, m.Step, m.Timestamp)).ToList(),
            }));
    }

    public Task SetTagsAsync(string runId, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        var cleaned = TrackingKeys.Clean(tags, TrackingKeys.TruncateTag);
        var batch = cleaned.Select(pair => new MlflowTag(pair.Key, pair.Value)).ToList();
        return WithRunAsync(runId, cancellationToken,
            (state, token) => _operations.LogBatchesAsync(state.ServerRunId!, [], [], batch, token),
            state => Spool(state, SpoolEventKind.Tags, e => e with { Tags = cleaned }));
    }

    public Task LogArtifactAsync(string runId, string localPath, string? artifactPath, CancellationToken cancellationToken)
    {
        var files = ArtifactFiles.Expand(localPath, artifactPath);
        var uploaded = 0;
        return WithRunAsync(runId, cancellationToken,
            async (state, token) =>
            {
                var info = state.Info ??= await _operations.GetRunAsync(state.ServerRunId!, token);
                foreach (var (file, path) in files)
                {
                    await _operations.UploadArtifactAsync(info, path, file, token);
                    uploaded++;
                }
            },
            state =>
            {
                foreach (var (file, path) in files.Skip(uploaded))
                {
                    var kept = _spool!.KeepArtifact(file);
                    Spool(state, SpoolEventKind.Artifact, e => e with { LocalFile = kept, ArtifactPath = path });
                }
            });
    }

    public Task EndRunAsync(string runId, TrackingRunStatus status, CancellationToken cancellationToken)
    {
        var endTime = Now();
        return WithRunAsync(runId, cancellationToken,
            (state, token) => _operations.EndRunAsync(state.ServerRunId!, status, endTime, token),
            state => Spool(state, SpoolEventKind.End, e => e with { Status = MlflowOperations.StatusName(status), Time = endTime }));
    }

    public async Task<string?> RegisterModelAsync(string runId, ModelRegistration registration, CancellationToken cancellationToken)
    {
        string? version = null;
        await WithRunAsync(runId, cancellationToken,
            async (state, token) =>
            {
                var info = state.Info ??= await _operations.GetRunAsync(state.ServerRunId!, token);
                version = await _operations.RegisterModelAsync(info, registration, token);
            },
            state => Spool(state, SpoolEventKind.Register, e => e with
            {
                ModelName = registration.Name,
                ArtifactPath = registration.ArtifactPath,
                Tags = registration.Tags,
                Aliases = registration.Aliases,
            }));
        return version;
    }

    public void Dispose()
    {
        _operations.Connection.Dispose();
        _probeGate.Dispose();
    }

    private async Task WithRunAsync(
        string runId, CancellationToken cancellationToken, Func<RunState, CancellationToken, Task> send, Action<RunState> spool)
    {
        var state = State(runId);
        await state.Gate.WaitAsync(cancellationToken);
        try
        {
            if (state.Spooling || !await CircuitClosedAsync(cancellationToken))
            {
                // From now on this run's events keep their order by all going through the spool.
                state.Spooling = true;
                spool(state);
                return;
            }

            try
            {
                await send(state, cancellationToken);
            }
            catch (MlflowUnavailableException error) when (_spool is not null)
            {
                state.Spooling = true;
                OpenCircuit(error);
                spool(state);
            }
            catch (MlflowUnavailableException error)
            {
                throw Unavailable(error);
            }
        }
        finally
        {
            state.Gate.Release();
        }
    }

    /// <summary>A run id this tracker did not start is taken to be the server's (a run resumed elsewhere).</summary>
    private RunState State(string runId) =>
        _runs.GetOrAdd(runId, id => new RunState(id) { ServerRunId = id });

    private void Spool(RunState state, SpoolEventKind kind, Func<SpoolEvent, SpoolEvent> fill) =>
        _spool!.Append(fill(new SpoolEvent
        {
            Id = _spool.NewEventId(),
            Kind = kind,
            ClientRunId = state.ClientRunId,
            ServerRunId = state.ServerRunId,
        }));

    /// <summary>True when calls may go to the server: the circuit is closed, or it is open, the probe
    /// interval has passed, and one probe got an answer. Without a spool there is no circuit.</summary>
    private async Task<bool> CircuitClosedAsync(CancellationToken cancellationToken)
    {
        if (_spool is null || Interlocked.Read(ref _nextProbe) == long.MinValue)
        {
            return true;
        }

        if (Now() < Interlocked.Read(ref _nextProbe) || !await _probeGate.WaitAsync(0, cancellationToken))
        {
            return false; // not yet, or another call is probing right now
        }

        try
        {
            if (Interlocked.Read(ref _nextProbe) == long.MinValue)
            {
                return true;
            }

            if (await _operations.Connection.ProbeAsync(cancellationToken))
            {
                Interlocked.Exchange(ref _nextProbe, long.MinValue);
                _options.Warn?.Invoke($"the server at {_options.TrackingUri} answers again; new runs go to it (send the spooled ones with 'wf tracking push')");
                return true;
            }

            Interlocked.Exchange(ref _nextProbe, Now() + (long)_options.Resilience.ProbeInterval.TotalMilliseconds);
            return false;
        }
        finally
        {
            _probeGate.Release();
        }
    }

    /// <summary>Said once per outage, not once per run or per call.</summary>
    private void OpenCircuit(MlflowUnavailableException error)
    {
        var next = Now() + (long)_options.Resilience.ProbeInterval.TotalMilliseconds;
        if (Interlocked.Exchange(ref _nextProbe, next) == long.MinValue)
        {
            _options.Warn?.Invoke(
                $"{error.Message}; until the server answers again (probed every {_options.Resilience.ProbeInterval.TotalSeconds:0.#} s) runs are recorded in {_spool!.Directory} — send them with 'wf tracking push'");
        }
    }

    private static MlflowException Unavailable(MlflowUnavailableException error) =>
        new("UNAVAILABLE", error.Message, null, error);

    private long Now() => _options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    private sealed class RunState(string clientRunId)
    {
        public string ClientRunId { get; } = clientRunId;

        public string? ServerRunId { get; init; }

        public MlflowRunInfo? Info { get; set; }

        public volatile bool Spooling;

        public SemaphoreSlim Gate { get; } = new(1, 1);
    }
}
