using System.CommandLine;
using Workflows.Tracking;
using Workflows.Tracking.Spool;

namespace Workflows.Cli.Commands;

/// <summary><c>wf tracking push</c>: replays the spool (or a whole local store) into an MLflow server.</summary>
internal static class TrackingCommand
{
    public static Command Create()
    {
        var to = new Option<string?>("--to") { Description = "MLflow server URI (default: $MLFLOW_TRACKING_URI)" };
        var store = new Option<string?>("--store") { Description = "Push this MLflow file store (e.g. ./mlruns) instead of the spool" };
        var spool = new Option<string?>("--spool") { Description = $"Spool folder to replay (default: {TrackingPusher.DefaultSpoolDirectory})" };
        var push = new Command("push", "Send tracking events spooled during an outage, or a local ./mlruns store, to an MLflow server; safe to repeat")
        {
            to, store, spool,
        };
        push.SetAction((ParseResult result, CancellationToken cancellationToken) => CommandErrors.RunAsync("wf tracking push", async () =>
        {
            var target = result.GetValue(to) ?? Environment.GetEnvironmentVariable(TrackerFactory.TrackingUriVariable);
            if (TrackerFactory.RestUri(target) is not { } server)
            {
                await Console.Error.WriteLineAsync(string.IsNullOrWhiteSpace(target)
                    ? "wf tracking push: no server; pass --to http://host:5000 or set MLFLOW_TRACKING_URI"
                    : $"wf tracking push: '{target}' is not an http(s) MLflow server URI");
                return 2;
            }

            var options = TrackerFactory.RestOptionsFromEnvironment(server);
            TrackingPushResult pushed;
            if (result.GetValue(store) is { } storeDirectory)
            {
                pushed = await TrackingPusher.PushFileStoreAsync(storeDirectory, options, cancellationToken);
            }
            else
            {
                var spoolDirectory = result.GetValue(spool) ?? TrackingPusher.DefaultSpoolDirectory;
                if (!Directory.Exists(spoolDirectory))
                {
                    Console.WriteLine($"nothing to push: no spool at {spoolDirectory}");
                    return 0;
                }

                pushed = await TrackingPusher.PushSpoolAsync(spoolDirectory, options, cancellationToken);
            }

            Console.WriteLine(
                $"pushed to {server}: {pushed.EventsApplied} events ({pushed.EventsSkipped} already pushed), " +
                $"{pushed.RunsCreated} runs created, {pushed.RunsFound} found, " +
                $"{pushed.MetricsSent} metric values sent ({pushed.MetricsSkipped} already there)");
            return 0;
        }));

        return new Command("tracking", "MLflow tracking: push what was recorded offline") { push };
    }
}
