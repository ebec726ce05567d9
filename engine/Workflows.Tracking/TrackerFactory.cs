using Workflows.Engine.Tracking;
using Workflows.Tracking.FileStore;
using Workflows.Tracking.Rest;

namespace Workflows.Tracking;

/// <summary>Creates the tracker a run records to.</summary>
public static class TrackerFactory
{
    /// <summary>The variable naming the server (http/https) or a file store (a path or <c>file:</c> URI).</summary>
    public const string TrackingUriVariable = "MLFLOW_TRACKING_URI";

    /// <summary>From the environment, as MLflow's own clients do: <c>MLFLOW_TRACKING_URI</c> unset means an
    /// <c>./mlruns</c> file store; http(s) means the server, with <c>MLFLOW_TRACKING_TOKEN</c> (Bearer) or
    /// <c>MLFLOW_TRACKING_USERNAME</c>/<c>MLFLOW_TRACKING_PASSWORD</c> (basic) and a spool for outages.</summary>
    /// <exception cref="MlflowException">The URI names a backend this client cannot write (sqlite:, databricks…).</exception>
    public static ITracker FromEnvironment(TrackerFactoryOptions? options = null)
    {
        options ??= new TrackerFactoryOptions();
        var uri = options.GetVariable(TrackingUriVariable);
        var user = options.GetVariable("MLFLOW_TRACKING_USER_ID") ?? Environment.UserName;
        if (RestUri(uri) is { } server)
        {
            return CreateRest(RestOptionsFromEnvironment(server, options) with
            {
                SpoolDirectory = Path.Combine(options.WorkingDirectory, options.SpoolDirectory),
                Warn = options.Warn,
            });
        }

        return CreateFileStore(new MlflowFileStoreOptions
        {
            RootDirectory = Path.Combine(options.WorkingDirectory, FileStorePath(uri)),
            UserName = user,
            SourceName = options.SourceName,
        });
    }

    /// <summary>Options for <paramref name="server"/> with the credentials and user from the environment
    /// (no spool: set <see cref="MlflowRestOptions.SpoolDirectory"/> to get one).</summary>
    public static MlflowRestOptions RestOptionsFromEnvironment(Uri server, TrackerFactoryOptions? options = null)
    {
        options ??= new TrackerFactoryOptions();
        return new MlflowRestOptions
        {
            TrackingUri = server,
            Token = options.GetVariable("MLFLOW_TRACKING_TOKEN"),
            Username = options.GetVariable("MLFLOW_TRACKING_USERNAME"),
            Password = options.GetVariable("MLFLOW_TRACKING_PASSWORD"),
            InsecureTls = options.GetVariable("MLFLOW_TRACKING_INSECURE_TLS")?.Trim().ToLowerInvariant() is "true" or "1",
            UserName = options.GetVariable("MLFLOW_TRACKING_USER_ID") ?? Environment.UserName,
            SourceName = options.SourceName,
            Resilience = options.Resilience,
        };
    }

    /// <summary>A tracker writing an MLflow file store.</summary>
    public static ITracker CreateFileStore(MlflowFileStoreOptions options) => new MlflowFileStoreTracker(options);

    /// <summary>A tracker talking to an MLflow server.</summary>
    public static ITracker CreateRest(MlflowRestOptions options) => new MlflowRestTracker(options);

    /// <summary>The server URI when <paramref name="trackingUri"/> names one, else null (a file store).</summary>
    public static Uri? RestUri(string? trackingUri) =>
        !string.IsNullOrWhiteSpace(trackingUri)
        && Uri.TryCreate(trackingUri.Trim(), UriKind.Absolute, out var parsed)
        && parsed.Scheme is "http" or "https"
            ? parsed
            : null;

    /// <summary>The file-store folder <paramref name="trackingUri"/> names (default <c>mlruns</c>).</summary>
    /// <exception cref="MlflowException">It names a database or a hosted backend.</exception>
    public static string FileStorePath(string? trackingUri)
    {
        if (string.IsNullOrWhiteSpace(trackingUri))
        {
            return "mlruns";
        }

        var value = trackingUri.Trim();
        if (value.StartsWith("file:", StringComparison.Ordinal))
        {
            return Uri.TryCreate(value, UriKind.Absolute, out var file) && file.IsFile ? file.LocalPath : value["file:".Length..];
        }

        var colon = value.IndexOf(':');
        // "C:\…" is a Windows path, not a scheme; bare "databricks" is MLflow's name for the hosted backend.
        if (value is "databricks" or "databricks-uc"
            || (colon > 1 && value[..colon].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.')))
        {
            throw new MlflowException("INVALID_TRACKING_URI",
                $"{TrackingUriVariable}='{value}' is not supported: use an http(s) MLflow server URI, or leave it unset for the local ./mlruns store");
        }

        return value;
    }
}
