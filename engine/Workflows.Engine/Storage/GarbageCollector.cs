using System.Text.Json;
using Workflows.Engine.Caching;
using Workflows.Engine.Runs;

namespace Workflows.Engine.Storage;

/// <summary>Finds what <c>.wf/</c> holds that nothing needs any more, as <c>dvc gc</c> does: artifacts no
/// cache entry and no kept run names, scratch folders of runs whose process is gone, checkpoints no
/// resumable run can use, and quarantined artifacts. A run is kept when it is one of the newest
/// <c>keepRuns</c> or can still be resumed (failed, cancelled, interrupted or running). Call it while
/// holding <see cref="StoreLock.TryExclusive"/>, so no run commits or reuses an artifact meanwhile.</summary>
public sealed class GarbageCollector(ProjectLayout layout)
{
    public IReadOnlyList<GcItem> Collectable(int keepRuns)
    {
        var store = new ArtifactStore(layout);
        var records = new RunRecordStore(layout);
        var runs = records.List();
        var kept = runs.Take(Math.Max(0, keepRuns)).Concat(runs.Where(r => r.Status != RunStatus.Succeeded)).Distinct().ToList();
        var needed = CacheOutputs().Concat(kept.SelectMany(r => r.Steps).SelectMany(s => s.Outputs.Values)).ToHashSet(StringComparer.Ordinal);
        var resumable = runs.Where(r => r.Status != RunStatus.Succeeded).SelectMany(r => r.Steps)
            .Where(s => s.State is not (StepState.Succeeded or StepState.Cached) && s.Fingerprint is not null)
            .Select(s => s.Fingerprint!).ToHashSet(StringComparer.Ordinal);

        var items = new List<GcItem>();
        foreach (var digest in store.List().Where(d => !needed.Contains(d)))
        {
            var manifest = TryManifest(store, digest);
            var what = manifest is null ? "artifact with no readable manifest"
                : $"{manifest.Kind.ToString().ToLowerInvariant()} from {manifest.Workflow}/{manifest.Step} (run {manifest.RunId}), referenced by no cache entry or kept run";
            items.Add(new GcItem(store.PathOf(digest), SizeOf(store.PathOf(digest)), what));
        }
        foreach (var folder in Folders(layout.Temp).Where(f => !records.IsAlive(Path.GetFileName(f))))
            items.Add(new GcItem(folder, SizeOf(folder), $"scratch files of run {Path.GetFileName(folder)}, whose process is gone"));
        foreach (var folder in Folders(layout.Checkpoints))
        {
            var fingerprint = Path.GetFileName(folder);
            if (resumable.Contains(fingerprint) || FileLock.IsHeld(Path.Combine(layout.Locks, fingerprint + ".lock"))) continue;
            items.Add(new GcItem(folder, SizeOf(folder), $"checkpoints of step fingerprint {fingerprint[..Math.Min(12, fingerprint.Length)]}…, which no resumable run needs"));
        }
        foreach (var folder in Folders(layout.Quarantine))
            items.Add(new GcItem(folder, SizeOf(folder), "a damaged artifact moved aside by an integrity check"));
        return items;
    }

    /// <summary>Removes the given items (folders or files).</summary>
    public static void Remove(IEnumerable<GcItem> items)
    {
        foreach (var item in items)
        {
            if (Directory.Exists(item.Path)) Directory.Delete(item.Path, recursive: true);
            else if (File.Exists(item.Path)) File.Delete(item.Path);
        }
    }

    public static long SizeOf(string folder) => Directory.Exists(folder)
        ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length)
        : 0;

    private IEnumerable<string> CacheOutputs() => new RunCache(layout, new ArtifactStore(layout)).All().SelectMany(e => e.Outputs.Values);

    private static ArtifactManifest? TryManifest(ArtifactStore store, string digest)
    {
        try
        {
            return store.Manifest(digest);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IEnumerable<string> Folders(string path) =>
        Directory.Exists(path) ? Directory.EnumerateDirectories(path).Order(StringComparer.Ordinal).ToList() : [];
}
