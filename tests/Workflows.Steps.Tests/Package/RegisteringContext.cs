using Workflows.Engine.Steps;
using Workflows.Steps.Tests.TestSupport;

namespace Workflows.Steps.Tests.Package;

/// <summary>A <see cref="TestStepContext"/> whose tracker has a model registry: records what is registered.</summary>
internal sealed class RegisteringContext(TestStepContext inner) : IStepContext
{
    public List<(string Name, string ArtifactPath)> Registered { get; } = [];

    public string StepName => inner.StepName;
    public string WorkflowName => inner.WorkflowName;
    public string Device => inner.Device;
    public string Fingerprint => inner.Fingerprint;
    public string ProjectRoot => inner.ProjectRoot;
    public IReadOnlyDictionary<string, string> Lineage { get; } = new Dictionary<string, string>
    {
        ["wf.workflow.name"] = "demo", ["wf.workflow.version"] = "3", ["mlflow.source.git.commit"] = "abc123", ["input.split.train"] = "d1g3st",
    };
    public string TempDirectory => inner.TempDirectory;
    public string StateDirectory => inner.StateDirectory;
    public string ResolvePath(string path) => inner.ResolvePath(path);
    public string CreateOutput(string outputName) => inner.CreateOutput(outputName);
    public void Log(string message, StepLogLevel level = StepLogLevel.Info) => inner.Log(message, level);
    public void ReportProgress(double fraction, string? status = null) => inner.ReportProgress(fraction, status);
    public void LogMetric(string key, double value, long? step = null) => inner.LogMetric(key, value, step);
    public void LogArtifact(string localPath, string? artifactPath = null) => inner.LogArtifact(localPath, artifactPath);
    public void SetTag(string key, string value) => inner.SetTag(key, value);

    public Task<string?> RegisterModelAsync(string modelName, string artifactPath, CancellationToken cancellationToken)
    {
        Registered.Add((modelName, artifactPath));
        return Task.FromResult<string?>("1");
    }
}
