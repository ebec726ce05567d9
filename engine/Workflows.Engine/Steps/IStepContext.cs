namespace Workflows.Engine.Steps;

/// <summary>What the engine gives a running step: where to write outputs, how to report, and where it runs.</summary>
public interface IStepContext
{
    /// <summary>The step's name in the workflow (the key under <c>steps:</c>).</summary>
    string StepName { get; }

    /// <summary>The workflow's <c>name</c>.</summary>
    string WorkflowName { get; }

    /// <summary>The workflow's <c>device:</c> request (<c>auto</c>, <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>).</summary>
    string Device { get; }

    /// <summary>The step's fingerprint (hex sha256), for lineage in cards and tags.</summary>
    string Fingerprint { get; }

    /// <summary>Folder that relative paths in options are resolved against (the project root).</summary>
    string ProjectRoot { get; }

    /// <summary>Lineage that artifacts may record: the step's fingerprint and its inputs' digests. Per-run
    /// facts (run id, git commit, workflow file) are left out, so an artifact's bytes stay a function
    /// of its fingerprint; the store manifest and the tracking run say which run made it.</summary>
    IReadOnlyDictionary<string, string> Lineage { get; }

    /// <summary>Resolves a path written in options against <see cref="ProjectRoot"/>.</summary>
    string ResolvePath(string path);

    /// <summary>Returns a fresh, empty folder for the named output. Write files there; when the step
    /// succeeds the engine hashes the folder and moves it into the content-addressed store in one
    /// rename, so a killed step never leaves a half-written artifact.</summary>
    string CreateOutput(string outputName);

    /// <summary>A scratch folder removed after the step ends (checkpoints that outlive a kill go to
    /// <see cref="StateDirectory"/> instead). Created when first read.</summary>
    string TempDirectory { get; }

    /// <summary>A folder kept across runs of the same fingerprint (e.g. training checkpoints), so a
    /// killed step can resume where it stopped. Removed once the step succeeds. Created when first read.</summary>
    string StateDirectory { get; }

    /// <summary>Writes one progress or warning line to the run's log.</summary>
    void Log(string message, StepLogLevel level = StepLogLevel.Info);

    /// <summary>Reports fractional progress (0..1) with a short status for the live view.</summary>
    void ReportProgress(double fraction, string? status = null);

    /// <summary>Logs a metric, with an optional step index (training step).</summary>
    void LogMetric(string key, double value, long? step = null);

    /// <summary>Attaches a file (or folder) to the step's tracking run as an artifact.</summary>
    void LogArtifact(string localPath, string? artifactPath = null);

    /// <summary>Sets a tag on the step's tracking run.</summary>
    void SetTag(string key, string value);

    /// <summary>Registers a packaged model with the tracker's model registry, when it has one.</summary>
    /// <returns>The registered version, or null when the tracker has no registry.</returns>
    Task<string?> RegisterModelAsync(string modelName, string artifactPath, CancellationToken cancellationToken);
}

public enum StepLogLevel { Info, Warning, Error }
