using System.Text.Json;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Caching;

/// <summary>Fingerprint → outputs, under <c>.wf/cache/</c>. An entry counts only while every artifact
/// it names is still in the store.</summary>
public sealed class RunCache(ProjectLayout layout, ArtifactStore store)
{
    public CacheEntry? Lookup(string fingerprint)
    {
        var path = PathOf(fingerprint);
        if (!File.Exists(path)) return null;
        try
        {
            var entry = JsonSerializer.Deserialize<CacheEntry>(File.ReadAllText(path), EngineJson.Options);
            return entry is not null && entry.Outputs.Values.All(store.Contains) ? entry : null;
        }
        catch (JsonException)
        {
            return null; // an unreadable entry is a miss, never a failure
        }
    }

    /// <summary>Replaces the entry atomically (temp + rename), without an fsync: a killed process leaves the
    /// old entry or the new one, and a power loss can at worst leave it missing or unreadable, which
    /// <see cref="Lookup"/> treats as a miss — the step runs again and writes the same outputs.</summary>
    public void Save(CacheEntry entry) => AtomicFile.WriteAllText(PathOf(entry.Fingerprint), JsonSerializer.Serialize(entry, EngineJson.Options), durable: false);

    private string PathOf(string fingerprint) => Path.Combine(layout.Cache, fingerprint + ".json");
}
