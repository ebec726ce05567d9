using Workflows.Engine.Registry;
using Workflows.Engine.Steps;
using Workflows.Engine.Tracking;

namespace Workflows.Engine.Execution;

/// <summary>The engine's <see cref="IStepContext"/>: output folders under the run's temp area, logs to
/// the observer and a per-step log file, metrics buffered and sent to the tracker in batches.</summary>
internal sealed class StepContext : IStepContext
{
    private const int MetricBatch = 200;
    private readonly StepType _type;
    private readonly string _workPath;
    private readonly IRunObserver _observer;
    private readonly ITracker _tracker;
    private readonly string _trackingRunId;
    private readonly string _logFile;
    private bool _logFolderReady;
    private readonly List<MetricPoint> _pending = [];
    private readonly Lock _gate = new();
    private readonly Func<string, string, ModelRegistration> _registration;

    public StepContext(StepContextSettings settings, StepType type, IRunObserver observer, ITracker tracker, string trackingRunId,
        Func<string, string, ModelRegistration>? registration = null)
    {
        _registration = registration ?? ModelRegistration.Plain;
        StepName = settings.StepName;
        WorkflowName = settings.WorkflowName;
        Device = settings.Device;
        Fingerprint = settings.Fingerprint;
        ProjectRoot = settings.ProjectRoot;
        Lineage = settings.Lineage;
        _tempDirectory = Path.GetFullPath(settings.WorkPath + ".tmp");
        _stateDirectory = Path.GetFullPath(settings.StateDirectory);
        _workPath = settings.WorkPath;
        _logFile = settings.LogFile;
        _type = type;
        _observer = observer;
        _tracker = tracker;
        _trackingRunId = trackingRunId;
    }

    public string StepName { get; }
    public string WorkflowName { get; }
    public string Device { get; }
    public string Fingerprint { get; }
    public string ProjectRoot { get; }
    public IReadOnlyDictionary<string, string> Lineage { get; }
    // Both folders are made when a step first asks for them: most steps use neither, and two
    // directories created and removed per step are a large share of a short step's cost.
    private readonly string _tempDirectory;
    private readonly string _stateDirectory;

    public string TempDirectory => Directory.CreateDirectory(_tempDirectory).FullName;
    public string StateDirectory => Directory.CreateDirectory(_stateDirectory).FullName;

    /// <summary>Where <see cref="StateDirectory"/> is, without creating it (for the engine's clean-up).</summary>
    public string StateDirectoryPath => _stateDirectory;

    /// <summary>Removes what the step left in the run's temp folder: its scratch folder and any output not
    /// committed to the store (a committed output has already been moved away).</summary>
    public void CleanUp()
    {
        if (Directory.Exists(_tempDirectory)) Directory.Delete(_tempDirectory, recursive: true);
        foreach (var folder in Outputs.Values)
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    /// <summary>Outputs created so far: name → folder.</summary>
    public Dictionary<string, string> Outputs { get; } = new(StringComparer.Ordinal);

    /// <summary>Last value of each metric, for the run record.</summary>
    public Dictionary<string, double> LastMetrics { get; } = new(StringComparer.Ordinal);

    public string ResolvePath(string path) => Path.GetFullPath(path, ProjectRoot);

    public string CreateOutput(string outputName)
    {
        if (_type.Output(outputName) is null)
            throw new InvalidOperationException($"step type '{_type.Name}' declares no output '{outputName}' (declared: {string.Join(", ", _type.Outputs.Select(o => o.Name))})");
        lock (_gate)
        {
            if (Outputs.TryGetValue(outputName, out var existing)) return existing;
            // Directly in the run's temp folder, beside the scratch folder: one directory to create per
            // output and none for the step itself (every new inode is a large share of a short step's cost).
            var folder = _workPath + ".out-" + outputName;
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            Directory.CreateDirectory(folder);
            Outputs[outputName] = folder;
            return folder;
        }
    }

    public void Log(string message, StepLogLevel level = StepLogLevel.Info)
    {
        lock (_gate)
        {
            // The log folder is made on the first line: a step that logs nothing costs no folder.
            if (!_logFolderReady) Directory.CreateDirectory(Path.GetDirectoryName(_logFile)!);
            _logFolderReady = true;
            File.AppendAllText(_logFile, $"{DateTimeOffset.UtcNow:O} {level.ToString().ToUpperInvariant()} {message}{Environment.NewLine}");
        }
        _observer.StepLog(StepName, level, message);
    }

    public void ReportProgress(double fraction, string? status = null) => _observer.StepProgress(StepName, Math.Clamp(fraction, 0, 1), status);

    public void LogMetric(string key, double value, long? step = null)
    {
        List<MetricPoint>? batch = null;
        lock (_gate)
        {
            LastMetrics[key] = value;
            _pending.Add(new MetricPoint(key, value, step ?? 0, DateTimeOffset.UtcNow));
            if (_pending.Count >= MetricBatch) batch = Drain();
        }
        if (batch is not null) _tracker.LogMetricsAsync(_trackingRunId, batch, CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>Top-level artifact paths the step logged itself (the engine does not upload those outputs again).</summary>
    public HashSet<string> LoggedArtifactPaths { get; } = new(StringComparer.Ordinal);

    public void LogArtifact(string localPath, string? artifactPath = null)
    {
        var top = string.IsNullOrEmpty(artifactPath) ? Path.GetFileName(localPath.TrimEnd('/', '\\')) : artifactPath.Split('/')[0];
        lock (_gate) LoggedArtifactPaths.Add(top);
        _tracker.LogArtifactAsync(_trackingRunId, localPath, artifactPath, CancellationToken.None).GetAwaiter().GetResult();
    }

    public void SetTag(string key, string value) =>
        _tracker.SetTagsAsync(_trackingRunId, new Dictionary<string, string> { [key] = value }, CancellationToken.None).GetAwaiter().GetResult();

    public Task<string?> RegisterModelAsync(string modelName, string artifactPath, CancellationToken cancellationToken) =>
        _tracker.RegisterModelAsync(_trackingRunId, _registration(modelName, artifactPath), cancellationToken);

    /// <summary>Sends metrics still buffered; called when the step ends.</summary>
    public Task FlushAsync(CancellationToken cancellationToken)
    {
        List<MetricPoint> batch;
        lock (_gate) batch = Drain();
        return batch.Count == 0 ? Task.CompletedTask : _tracker.LogMetricsAsync(_trackingRunId, batch, cancellationToken);
    }

    private List<MetricPoint> Drain()
    {
        var batch = _pending.ToList();
        _pending.Clear();
        return batch;
    }
}
