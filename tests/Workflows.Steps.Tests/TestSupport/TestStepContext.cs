using Workflows.Engine.Steps;

namespace Workflows.Steps.Tests.TestSupport;

/// <summary>A step context over a temp folder: outputs, temp and state live under it, relative paths
/// resolve against the repository root, and logs and metrics are recorded for assertions.</summary>
internal sealed class TestStepContext : IStepContext, IDisposable
{
    private readonly Dictionary<string, string> _outputs = [];

    public TestStepContext(string? projectRoot = null)
    {
        Root = Path.Combine(Path.GetTempPath(), "wf-steps-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        ProjectRoot = projectRoot ?? RepoPaths.Root;
        TempDirectory = Directory.CreateDirectory(Path.Combine(Root, "tmp")).FullName;
        StateDirectory = Path.Combine(Root, "state");
    }

    /// <summary>The temp folder holding everything this context writes.</summary>
    public string Root { get; }

    public string StepName => "test";
    public string WorkflowName => "tests";
    public string Device => "cpu";
    public string Fingerprint => new('0', 64);
    public string ProjectRoot { get; }
    public IReadOnlyDictionary<string, string> Lineage { get; } = new Dictionary<string, string>();
    public string TempDirectory { get; }
    public string StateDirectory { get; }

    public List<string> Logs { get; } = [];
    public Dictionary<string, double> Metrics { get; } = [];

    /// <summary>Every metric logged, in order, with its step.</summary>
    public List<(string Key, double Value, long? Step)> MetricHistory { get; } = [];

    /// <summary>Called on every progress report (e.g. to cancel a run part-way).</summary>
    public Action<double>? OnProgress { get; set; }
    public List<string> Artifacts { get; } = [];

    /// <summary>Each logged artifact with the artifact folder it was logged under (null: the run's root).</summary>
    public List<(string LocalPath, string? ArtifactPath)> ArtifactTargets { get; } = [];

    /// <summary>The folder handed out for each output name.</summary>
    public IReadOnlyDictionary<string, string> Outputs => _outputs;

    public string ResolvePath(string path) => Path.GetFullPath(path, ProjectRoot);

    public string CreateOutput(string outputName)
    {
        if (_outputs.ContainsKey(outputName)) throw new InvalidOperationException($"output '{outputName}' created twice");
        var folder = Directory.CreateDirectory(Path.Combine(Root, "outputs", outputName)).FullName;
        _outputs[outputName] = folder;
        return folder;
    }

    public void Log(string message, StepLogLevel level = StepLogLevel.Info) => Logs.Add($"{level}: {message}");
    public void ReportProgress(double fraction, string? status = null) => OnProgress?.Invoke(fraction);

    public void LogMetric(string key, double value, long? step = null)
    {
        Metrics[key] = value;
        MetricHistory.Add((key, value, step));
    }

    public void LogArtifact(string localPath, string? artifactPath = null)
    {
        Artifacts.Add(localPath);
        ArtifactTargets.Add((localPath, artifactPath));
    }
    public void SetTag(string key, string value) { }
    public Task<string?> RegisterModelAsync(string modelName, string artifactPath, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(null);

    /// <summary>Writes a file under <see cref="Root"/> and returns its absolute path.</summary>
    public string WriteFile(string name, string content) => WriteFile(name, System.Text.Encoding.UTF8.GetBytes(content));

    public string WriteFile(string name, byte[] content)
    {
        var path = Path.Combine(Root, "inputs", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
