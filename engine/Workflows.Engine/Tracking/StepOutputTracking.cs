using System.Globalization;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Tracking;

/// <summary>Makes every output of a step reachable from its tracking run: each output is tagged with its
/// store digest (<c>wf.output.&lt;name&gt; = sha256:…</c>); one up to <c>tracking.upload_max_mb</c> is
/// uploaded whole under <c>&lt;name&gt;/</c>, a larger one (a merged model, say) only as its
/// <c>manifest.json</c> (file list with digests) plus a tag saying where the files are.</summary>
internal static class StepOutputTracking
{
    public static async Task LogAsync(
        ITracker tracker, string runId, IReadOnlyDictionary<string, string> outputs, ArtifactStore store, double uploadMaxMb,
        IReadOnlySet<string> loggedByStep)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, digest) in outputs.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            tags[$"wf.output.{name}"] = "sha256:" + digest;
            var folder = store.PathOf(digest);
            if (!Directory.Exists(folder) || loggedByStep.Contains(name)) continue;
            var bytes = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
            var megabytes = bytes / (1024.0 * 1024.0);
            if (megabytes <= uploadMaxMb)
            {
                await tracker.LogArtifactAsync(runId, folder, name, CancellationToken.None);
                continue;
            }

            tags[$"wf.output.{name}.not_uploaded"] = string.Create(CultureInfo.InvariantCulture,
                $"{megabytes:0.#} MB is over tracking.upload_max_mb ({uploadMaxMb:G}); the files are in the artifact store: .wf/store/{digest}");
            var manifest = Path.Combine(folder, ArtifactStore.ManifestFile);
            if (File.Exists(manifest)) await tracker.LogArtifactAsync(runId, manifest, name, CancellationToken.None);
        }

        if (tags.Count > 0) await tracker.SetTagsAsync(runId, tags, CancellationToken.None);
    }
}
