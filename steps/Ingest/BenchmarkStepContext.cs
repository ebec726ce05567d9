using Workflows.Engine.Steps;

namespace Workflows.Steps.Ingest;

/// <summary>The minimal context the benchmark runs ingest in: one output folder under the work folder,
/// nothing tracked.</summary>
internal sealed class BenchmarkStepContext(string workDirectory) : IStepContext
{
    public string Output { get; private set; } = "";
    public string StepName => "bench-ingest";
    public string WorkflowName => "bench";
    public string Device => "cpu";
    public string Fingerprint => "";
    public string ProjectRoot => workDirectory;
    public IReadOnlyDictionary<string, string> Lineage { get; } = new Dictionary<string, string>();
    public string TempDirectory => Directory.CreateDirectory(Path.Combine(workDirectory, "tmp")).FullName;
    public string StateDirectory => Path.Combine(workDirectory, "state");

    public string ResolvePath(string path) => Path.GetFullPath(path, workDirectory);

    public string CreateOutput(string outputName)
    {
        Output = Path.Combine(workDirectory, "out-" + outputName);
        if (Directory.Exists(Output)) Directory.Delete(Output, recursive: true);
        return Directory.CreateDirectory(Output).FullName;
    }

    public void Log(string message, StepLogLevel level = StepLogLevel.Info) { }
    public void ReportProgress(double fraction, string? status = null) { }
    public void LogMetric(string key, double value, long? step = null) { }
    public void LogArtifact(string localPath, string? artifactPath = null) { }
    public void SetTag(string key, string value) { }
    public Task<string?> RegisterModelAsync(string modelName, string artifactPath, CancellationToken cancellationToken) => Task.FromResult<string?>(null);
}
