using System.Globalization;
using Workflows.Tracking.FileStore;

namespace Workflows.Tracking.Spool;

/// <summary>Reads a whole MLflow file store as spool events, parents before children, so a local
/// <c>./mlruns</c> can be pushed like a spool. Event ids are derived from the content (line counts,
/// file sizes, status), so a re-push sends only what changed since.</summary>
internal static class FileStoreEvents
{
    public static IEnumerable<SpoolEvent> Read(string root)
    {
        var layout = new FileStoreLayout(root);
        var runs = new List<(string Id, string Experiment, string Directory, Dictionary<string, string?> Meta, Dictionary<string, string> Tags)>();
        foreach (var experimentId in layout.ExperimentIds())
        {
            var experiment = MetaYaml.Read(layout.ExperimentMeta(experimentId));
            if (experiment.GetValueOrDefault("lifecycle_stage") == "deleted")
            {
                continue;
            }

            foreach (var runDirectory in Directory.EnumerateDirectories(layout.Experiment(experimentId)))
            {
                var metaPath = FileStoreLayout.RunMeta(runDirectory);
                if (!File.Exists(metaPath))
                {
                    continue;
                }

                var meta = MetaYaml.Read(metaPath);
                if (meta.GetValueOrDefault("lifecycle_stage") == "deleted")
                {
                    continue;
                }

                var tags = KeyFiles(Path.Combine(runDirectory, "tags"));
                runs.Add((meta["run_id"] ?? Path.GetFileName(runDirectory), experiment["name"]!, runDirectory, meta, tags));
            }
        }

        var parents = runs.ToDictionary(run => run.Id, run => run.Tags.GetValueOrDefault(MlflowTags.ParentRunId));
        foreach (var run in runs.OrderBy(run => Depth(run.Id, parents)).ThenBy(run => run.Meta.GetValueOrDefault("start_time")).ThenBy(run => run.Id))
        {
            foreach (var spoolEvent in RunEvents(run.Id, run.Experiment, run.Directory, run.Meta, run.Tags))
            {
                yield return spoolEvent;
            }
        }
    }

    private static IEnumerable<SpoolEvent> RunEvents(
        string runId, string experiment, string runDirectory, Dictionary<string, string?> meta, Dictionary<string, string> tags)
    {
        string Id(string what) => $"store:{runId}:{what}";
        var startTags = new Dictionary<string, string>(tags, StringComparer.Ordinal);
        startTags.Remove(MlflowTags.ParentRunId);
        yield return new SpoolEvent
        {
            Id = Id("start"),
            Kind = SpoolEventKind.Start,
            ClientRunId = runId,
            Experiment = experiment,
            RunName = meta.GetValueOrDefault("run_name") ?? runId,
            UserName = meta.GetValueOrDefault("user_id") ?? string.Empty,
            ParentClientRunId = tags.GetValueOrDefault(MlflowTags.ParentRunId),
            Time = long.Parse(meta.GetValueOrDefault("start_time") ?? "0", CultureInfo.InvariantCulture),
            Tags = startTags,
        };

        var parameters = KeyFiles(Path.Combine(runDirectory, "params"));
        if (parameters.Count > 0)
        {
            yield return new SpoolEvent { Id = Id($"params:{parameters.Count}"), Kind = SpoolEventKind.Params, ClientRunId = runId, Params = parameters };
        }

        foreach (var (key, file) in KeyPaths(Path.Combine(runDirectory, "metrics")))
        {
            var lines = File.ReadAllLines(file).Where(line => line.Length > 0).ToList();
            var points = lines.Select(line => MetricLine.Parse(key, line))
                .Select(p => new SpoolMetric(key, p.Value, p.Step, p.Timestamp.ToUnixTimeMilliseconds()))
                .ToList();
            yield return new SpoolEvent { Id = Id($"metrics:{key}:{points.Count}"), Kind = SpoolEventKind.Metrics, ClientRunId = runId, Metrics = points };
        }

        var artifacts = FileStoreLayout.Artifacts(runDirectory);
        if (Directory.Exists(artifacts))
        {
            foreach (var file in Directory.EnumerateFiles(artifacts, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var relative = Path.GetRelativePath(artifacts, file).Replace(Path.DirectorySeparatorChar, '/');
                var info = new FileInfo(file);
                yield return new SpoolEvent
                {
                    Id = Id($"artifact:{relative}:{info.Length}:{info.LastWriteTimeUtc.Ticks}"),
                    Kind = SpoolEventKind.Artifact,
                    ClientRunId = runId,
                    LocalFile = file,
                    ArtifactPath = relative,
                };
            }
        }

        foreach (var (key, artifactPath) in tags.Where(tag => tag.Key.StartsWith(MlflowFileStoreTracker.RegisterModelTagPrefix, StringComparison.Ordinal)))
        {
            var model = key[MlflowFileStoreTracker.RegisterModelTagPrefix.Length..];
            var pending = RegistrationMeta.Read(tags.GetValueOrDefault(MlflowFileStoreTracker.RegisterModelMetaTagPrefix + model));
            yield return new SpoolEvent
            {
                Id = Id($"register:{model}:{artifactPath}"),
                Kind = SpoolEventKind.Register,
                ClientRunId = runId,
                ModelName = model,
                ArtifactPath = artifactPath,
                Tags = pending.Tags,
                Aliases = pending.Aliases,
            };
        }

        var status = meta.GetValueOrDefault("status") switch
        {
            "3" => "FINISHED",
            "4" => "FAILED",
            "5" => "KILLED",
            _ => null,
        };
        if (status is not null)
        {
            yield return new SpoolEvent
            {
                Id = Id($"end:{status}"),
                Kind = SpoolEventKind.End,
                ClientRunId = runId,
                Status = status,
                Time = long.TryParse(meta.GetValueOrDefault("end_time"), CultureInfo.InvariantCulture, out var end) ? end : null,
            };
        }
    }

    private static int Depth(string runId, Dictionary<string, string?> parents)
    {
        var depth = 0;
        // Bounded, so a corrupt store with a parent cycle cannot hang the push.
        for (var current = runId; parents.GetValueOrDefault(current) is { } parent && depth < 64; current = parent)
        {
            depth++;
        }

        return depth;
    }

    private static Dictionary<string, string> KeyFiles(string folder) =>
        KeyPaths(folder).ToDictionary(pair => pair.Key, pair => File.ReadAllText(pair.File), StringComparer.Ordinal);

    /// <summary>Files under a params/metrics/tags folder with their keys (sub-folders are <c>/</c> in keys).</summary>
    private static IEnumerable<(string Key, string File)> KeyPaths(string folder) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Where(file => !Path.GetFileName(file).StartsWith('.'))
                .Order(StringComparer.Ordinal)
                .Select(file => (Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/'), file))
            : [];
}
