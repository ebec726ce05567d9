using Workflows.Tracking.Rest;

namespace Workflows.Tracking.Spool;

/// <summary>Replays what could not be sent (a spool) or everything recorded locally (a file store) into an
/// MLflow server. Safe to run again: nothing is duplicated.</summary>
public static class TrackingPusher
{
    /// <summary>The spool folder the REST tracker writes to by default, relative to the working directory.</summary>
    public static readonly string DefaultSpoolDirectory = Path.Combine(".wf", "tracking-spool");

    /// <summary>Replays every spool file in <paramref name="spoolDirectory"/> in the order written.</summary>
    /// <exception cref="MlflowException">The server refused an event, or is still unreachable.</exception>
    public static async Task<TrackingPushResult> PushSpoolAsync(string spoolDirectory, MlflowRestOptions server, CancellationToken cancellationToken)
    {
        var directory = Path.GetFullPath(spoolDirectory);
        return await ReplayAsync(server, PushState.PathFor(directory, server.TrackingUri),
            TrackingSpool.Files(directory).SelectMany(TrackingSpool.Read), directory, cancellationToken);
    }

    /// <summary>Pushes every run of an MLflow file store (<c>./mlruns</c>), parents first.</summary>
    /// <exception cref="MlflowException">The server refused an event, or is still unreachable.</exception>
    public static async Task<TrackingPushResult> PushFileStoreAsync(string storeDirectory, MlflowRestOptions server, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(storeDirectory);
        if (!Directory.Exists(root))
        {
            throw new MlflowException("RESOURCE_DOES_NOT_EXIST", $"no MLflow file store at {root}");
        }

        // A dot-file in the store root travels with the store; MLflow reads only folders there (a folder
        // would be reported as a malformed experiment).
        return await ReplayAsync(server, PushState.PathFor(root, server.TrackingUri, ".wf-"),
            FileStoreEvents.Read(root), root, cancellationToken);
    }

    private static async Task<TrackingPushResult> ReplayAsync(
        MlflowRestOptions server, string statePath, IEnumerable<SpoolEvent> events, string baseDirectory, CancellationToken cancellationToken)
    {
        using var connection = new MlflowConnection(server);
        var replayer = new SpoolReplayer(new MlflowOperations(connection), PushState.Load(statePath), statePath);
        try
        {
            foreach (var spoolEvent in events)
            {
                await replayer.ApplyAsync(spoolEvent, baseDirectory, cancellationToken);
            }
        }
        catch (MlflowUnavailableException error)
        {
            throw new MlflowException("UNAVAILABLE", $"{error.Message} (after {replayer.Result.EventsApplied} events were pushed); run the push again when the server is back", null, error);
        }

        return replayer.Result;
    }
}
