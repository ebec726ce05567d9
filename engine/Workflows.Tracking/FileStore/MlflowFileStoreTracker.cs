using System.Collections.Concurrent;
using System.Globalization;
using Workflows.Engine.Tracking;

namespace Workflows.Tracking.FileStore;

/// <summary>Records runs in an MLflow <c>./mlruns</c> file store that <c>mlflow ui</c> can browse and
/// <c>wf tracking push</c> can replay into a server. Safe for steps logging concurrently.</summary>
internal sealed class MlflowFileStoreTracker : ITracker
{
    // Keyed by full path so two trackers on one store in one process still serialise their writes.
    private static readonly ConcurrentDictionary<string, object> Locks = new(StringComparer.Ordinal);

    private readonly MlflowFileStoreOptions _options;
    private readonly FileStoreLayout _layout;
    private readonly ConcurrentDictionary<string, string> _experimentIds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _runDirectories = new(StringComparer.Ordinal);

    public MlflowFileStoreTracker(MlflowFileStoreOptions options)
    {
        _options = options;
        _layout = new FileStoreLayout(options.RootDirectory);
    }

    public string RootDirectory => _layout.Root;

    public Task<string> StartRunAsync(TrackingRunStart start, CancellationToken cancellationToken)
    {
        var experimentId = GetOrCreateExperiment(start.Experiment);
        var runId = Guid.NewGuid().ToString("N");
        var runDirectory = _layout.Run(experimentId, runId);
        _runDirectories[runId] = runDirectory;
        var startTime = Now();
        Directory.CreateDirectory(Path.Combine(runDirectory, "metrics"));
        Directory.CreateDirectory(Path.Combine(runDirectory, "params"));
        Directory.CreateDirectory(FileStoreLayout.Artifacts(runDirectory));
        WriteTags(runDirectory, RunTags.ForStart(start, _options.UserName, _options.SourceName));
        AtomicFile.WriteAllText(FileStoreLayout.RunMeta(runDirectory), MetaYaml.Write(new Dictionary<string, object?>
        {
            ["artifact_uri"] = FileStoreLayout.FileUri(FileStoreLayout.Artifacts(runDirectory)),
            ["end_time"] = null,
            ["entry_point_name"] = string.Empty,
            ["experiment_id"] = experimentId,
            ["lifecycle_stage"] = "active",
            ["run_id"] = runId,
            ["run_name"] = start.RunName,
            ["run_uuid"] = runId,
            ["source_name"] = string.Empty,
            ["source_type"] = 4L,
            ["source_version"] = string.Empty,
            ["start_time"] = startTime,
            ["status"] = RunStatusCode(TrackingRunStatus.Running),
            ["tags"] = Array.Empty<object>(),
            ["user_id"] = _options.UserName,
        }));
        return Task.FromResult(runId);
    }

    public Task LogParamsAsync(string runId, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken)
    {
        var runDirectory = FindRun(runId);
        lock (Locks.GetOrAdd(runDirectory, _ => new object()))
        {
            foreach (var (key, value) in TrackingKeys.Clean(parameters, TrackingKeys.TruncateParam))
            {
                var path = FileStoreLayout.Param(runDirectory, key);
                if (File.Exists(path))
                {
                    var existing = File.ReadAllText(path);
                    if (existing != value)
                    {
                        // Same rule as the server, so a run that logs fine offline also pushes fine.
                        throw new MlflowException("INVALID_PARAMETER_VALUE",
                            $"Changing param values is not allowed. Param with key='{key}' was already logged with value='{existing}' for run ID='{runId}'. Attempted logging new value '{value}'.");
                    }

                    continue;
                }

                AtomicFile.WriteAllText(path, value);
            }
        }

        return Task.CompletedTask;
    }

    public Task LogMetricsAsync(string runId, IReadOnlyList<MetricPoint> metrics, CancellationToken cancellationToken)
    {
        var runDirectory = FindRun(runId);
        lock (Locks.GetOrAdd(runDirectory, _ => new object()))
        {
            foreach (var group in metrics.GroupBy(point => TrackingKeys.Sanitize(point.Key)))
            {
                var path = FileStoreLayout.Metric(runDirectory, group.Key);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                // Appending is how MLflow grows a metric file; one write per key keeps a batch together.
                var lines = string.Concat(group.Select(point => MetricLine.Format(point) + "\n"));
                using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
                stream.Write(System.Text.Encoding.UTF8.GetBytes(lines));
                stream.Flush(flushToDisk: false);
            }
        }

        return Task.CompletedTask;
    }

    public Task SetTagsAsync(string runId, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        var runDirectory = FindRun(runId);
        lock (Locks.GetOrAdd(runDirectory, _ => new object()))
        {
            WriteTags(runDirectory, tags);
        }

        return Task.CompletedTask;
    }

    public Task LogArtifactAsync(string runId, string localPath, string? artifactPath, CancellationToken cancellationToken)
    {
        var artifacts = FileStoreLayout.Artifacts(FindRun(runId));
        var destination = string.IsNullOrEmpty(artifactPath)
            ? artifacts
            : Path.Combine([artifacts, .. TrackingKeys.Sanitize(artifactPath).Split('/')]);
        AtomicFile.CopyFileOrFolder(localPath, destination);
        return Task.CompletedTask;
    }

    public Task EndRunAsync(string runId, TrackingRunStatus status, CancellationToken cancellationToken)
    {
        var runDirectory = FindRun(runId);
        lock (Locks.GetOrAdd(runDirectory, _ => new object()))
        {
            var metaPath = FileStoreLayout.RunMeta(runDirectory);
            var meta = MetaYaml.Read(metaPath);
            var fields = meta.ToDictionary(pair => pair.Key, pair => (object?)pair.Value);
            foreach (var numeric in new[] { "source_type", "start_time" })
            {
                fields[numeric] = long.Parse(meta[numeric]!, CultureInfo.InvariantCulture);
            }

            fields["status"] = RunStatusCode(status);
            fields["end_time"] = status == TrackingRunStatus.Running ? null : Now();
            fields["tags"] = Array.Empty<object>();
            AtomicFile.WriteAllText(metaPath, MetaYaml.Write(fields));
        }

        return Task.CompletedTask;
    }

    /// <summary>The file store has no model registry a server would read back, so the request is kept as
    /// a <c>wf.register_model/&lt;name&gt;</c> tag holding the artifact path (and
    /// <c>wf.register_model_meta/&lt;name&gt;</c> holding the version tags and aliases as JSON); <c>wf tracking
    /// push --store</c> registers the version on the server. Returns null: there is no version number yet.</summary>
    public Task<string?> RegisterModelAsync(string runId, ModelRegistration registration, CancellationToken cancellationToken)
    {
        var runDirectory = FindRun(runId);
        lock (Locks.GetOrAdd(runDirectory, _ => new object()))
        {
            WriteTags(runDirectory, new Dictionary<string, string>
            {
                [RegisterModelTagPrefix + registration.Name] = registration.ArtifactPath,
                [RegisterModelMetaTagPrefix + registration.Name] = RegistrationMeta.Write(registration),
            });
        }

        return Task.FromResult<string?>(null);
    }

    /// <summary>Tag-key prefix of pending model registrations.</summary>
    internal const string RegisterModelTagPrefix = "wf.register_model/";

    /// <summary>Tag-key prefix of a pending registration's version tags and aliases.</summary>
    internal const string RegisterModelMetaTagPrefix = "wf.register_model_meta/";

    internal static long RunStatusCode(TrackingRunStatus status) => status switch
    {
        TrackingRunStatus.Running => 1,
        TrackingRunStatus.Finished => 3,
        TrackingRunStatus.Failed => 4,
        TrackingRunStatus.Killed => 5,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "unknown run status"),
    };

    private static void WriteTags(string runDirectory, IReadOnlyDictionary<string, string> tags)
    {
        foreach (var (key, value) in TrackingKeys.Clean(tags, TrackingKeys.TruncateTag))
        {
            AtomicFile.WriteAllText(FileStoreLayout.Tag(runDirectory, key), value);
        }
    }

    private long Now() => _options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    private string FindRun(string runId) => _runDirectories.GetOrAdd(runId, ScanForRun);

    private string ScanForRun(string runId)
    {
        if (runId.Length == 0 || !runId.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException($"'{runId}' is not a run id of this store", nameof(runId));
        }

        foreach (var experimentId in _layout.ExperimentIds())
        {
            var runDirectory = _layout.Run(experimentId, runId);
            if (File.Exists(FileStoreLayout.RunMeta(runDirectory)))
            {
                return runDirectory;
            }
        }

        throw new MlflowException("RESOURCE_DOES_NOT_EXIST", $"Run '{runId}' not found in {_layout.Root}");
    }

    private string GetOrCreateExperiment(string name) =>
        _experimentIds.GetOrAdd(name, _ =>
        {
            lock (Locks.GetOrAdd(_layout.Root, _ => new object()))
            {
                // The in-process lock orders our threads; the lock file orders processes sharing the store
                // (two `wf run`s starting at once must not give one name two experiment ids).
                using var processLock = StoreLock.Acquire(_layout.Root);
                return new FileStoreExperiments(_layout, _options.TimeProvider).GetOrCreate(name);
            }
        });
}
