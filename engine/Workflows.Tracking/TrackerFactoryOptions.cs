using Workflows.Tracking.Rest;

namespace Workflows.Tracking;

/// <summary>What <see cref="TrackerFactory.FromEnvironment"/> reads besides the MLFLOW_* variables.</summary>
public sealed record TrackerFactoryOptions
{
    /// <summary>Relative store and spool paths resolve against this. Default: the current directory.</summary>
    public string WorkingDirectory { get; init; } = Directory.GetCurrentDirectory();

    /// <summary>Reads an environment variable. Default <see cref="Environment.GetEnvironmentVariable(string)"/>.</summary>
    public Func<string, string?> GetVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>Where the REST tracker spools events it could not send. Default <c>.wf/tracking-spool</c>.</summary>
    public string SpoolDirectory { get; init; } = Path.Combine(".wf", "tracking-spool");

    /// <summary>Recorded as <c>mlflow.source.name</c>. Default <c>wf</c>.</summary>
    public string SourceName { get; init; } = "wf";

    /// <summary>Receives the REST tracker's notices that events were spooled. Default: nobody.</summary>
    public Action<string>? Warn { get; init; }

    /// <summary>Retry settings of the REST tracker. Default: <see cref="MlflowResilienceOptions"/>'s defaults.</summary>
    public MlflowResilienceOptions Resilience { get; init; } = new();
}
