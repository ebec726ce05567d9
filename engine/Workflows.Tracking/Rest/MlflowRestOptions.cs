namespace Workflows.Tracking.Rest;

/// <summary>Options for the tracker that talks to an MLflow tracking server over REST.</summary>
public sealed record MlflowRestOptions
{
    /// <summary>The server, e.g. <c>http://localhost:5000</c> (from <c>MLFLOW_TRACKING_URI</c>). Required;
    /// http or https.</summary>
    public required Uri TrackingUri { get; init; }

    /// <summary>Sent as <c>Authorization: Bearer</c> (from <c>MLFLOW_TRACKING_TOKEN</c>). Wins over basic auth.</summary>
    public string? Token { get; init; }

    /// <summary>Basic-auth user (from <c>MLFLOW_TRACKING_USERNAME</c>); used with <see cref="Password"/>.</summary>
    public string? Username { get; init; }

    /// <summary>Basic-auth password (from <c>MLFLOW_TRACKING_PASSWORD</c>).</summary>
    public string? Password { get; init; }

    /// <summary>Skips TLS certificate checks (from <c>MLFLOW_TRACKING_INSECURE_TLS=true</c>), for servers with
    /// self-signed certificates. Default false.</summary>
    public bool InsecureTls { get; init; }

    /// <summary>Recorded as <c>user_id</c> and the <c>mlflow.user</c> tag. Default: the OS user.</summary>
    public string UserName { get; init; } = Environment.UserName;

    /// <summary>Recorded as <c>mlflow.source.name</c> unless the run's tags set it. Default <c>wf</c>.</summary>
    public string SourceName { get; init; } = "wf";

    /// <summary>Where events that could not be sent after every retry are written for
    /// <c>wf tracking push</c>. Null (the default) means such failures throw instead.</summary>
    public string? SpoolDirectory { get; init; }

    /// <summary>Told, once per run, when that run's events start going to the spool, so the user learns to
    /// run <c>wf tracking push</c>. Default: nobody.</summary>
    public Action<string>? Warn { get; init; }

    /// <summary>Retry and timeout settings. Default: <see cref="MlflowResilienceOptions"/>'s defaults.</summary>
    public MlflowResilienceOptions Resilience { get; init; } = new();

    /// <summary>Clock for run start and end times. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
