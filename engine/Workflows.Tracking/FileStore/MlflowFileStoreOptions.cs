namespace Workflows.Tracking.FileStore;

/// <summary>Options for the embedded tracker that writes an MLflow <c>./mlruns</c> file store.</summary>
public sealed record MlflowFileStoreOptions
{
    /// <summary>The store's root folder. Default <c>mlruns</c> (relative to the working directory).</summary>
    public string RootDirectory { get; init; } = "mlruns";

    /// <summary>Recorded as the run's <c>user_id</c> and <c>mlflow.user</c> tag. Default: the OS user.</summary>
    public string UserName { get; init; } = Environment.UserName;

    /// <summary>Recorded as <c>mlflow.source.name</c> unless the run's own tags set it. Default <c>wf</c>.</summary>
    public string SourceName { get; init; } = "wf";

    /// <summary>Clock for start/end times and new experiments. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
