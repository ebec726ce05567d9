using System.Text.Json;
using Workflows.Engine.Steps;

namespace Workflows.Engine.Storage;

/// <summary>Content-addressed artifacts under <c>.wf/store/&lt;digest&gt;/</c>. A step writes into a
/// temp folder; <see cref="Commit"/> hashes it, writes the manifest and renames it into place, so a
/// killed step never leaves a half artifact.</summary>
public sealed class ArtifactStore(ProjectLayout layout)
{
    public const string ManifestFile = "manifest.json";

    public string PathOf(string digest) => Path.Combine(layout.Store, digest);

    public bool Contains(string digest) => File.Exists(Path.Combine(PathOf(digest), ManifestFile));

    public ArtifactManifest? Manifest(string digest)
    {
        var path = Path.Combine(PathOf(digest), ManifestFile);
        return File.Exists(path) ? JsonSerializer.Deserialize<ArtifactManifest>(File.ReadAllText(path), EngineJson.Options) : null;
    }

    /// <summary>Every stored digest (folders under <c>.wf/store</c>), in ordinal order.</summary>
    public IReadOnlyList<string> List() => Directory.Exists(layout.Store)
        ? Directory.EnumerateDirectories(layout.Store).Select(d => Path.GetFileName(d)!).Where(d => !d.Contains(".tmp", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList()
        : [];

    /// <summary>Reads every byte of an artifact and compares it with its manifest: empty when intact,
    /// else one line per problem, each naming the file.</summary>
    public IReadOnlyList<string> Problems(string digest) => ArtifactVerifier.Problems(PathOf(digest), digest);

    /// <summary>Moves a damaged artifact out of the store into <c>.wf/quarantine/</c> (so nothing reads it and
    /// its producer runs again) and returns where it went; null when it was already gone.</summary>
    public string? Quarantine(string digest)
    {
        var source = PathOf(digest);
        var target = Path.Combine(layout.Quarantine, $"{digest}-{DateTime.UtcNow:yyyyMMdd-HHmmss-fff}");
        Directory.CreateDirectory(layout.Quarantine);
        try
        {
            Directory.Move(source, target);
            return target;
        }
        catch (DirectoryNotFoundException)
        {
            return null; // another reader moved it first
        }
    }

    /// <summary>Moves <paramref name="folder"/> into the store and returns its digest. When the same
    /// content is already stored the folder is discarded (deduplication).</summary>
    public string Commit(string folder, ArtifactKind kind, ArtifactProvenance provenance)
    {
        var digest = ContentDigest.Of(folder, ManifestFile);
        var target = PathOf(digest);
        if (Contains(digest))
        {
            // Deduplicate only against intact bytes: a stored copy that no longer matches its digest is
            // moved aside and replaced, which is how `--force` repairs a damaged artifact.
            if (Problems(digest).Count == 0)
            {
                Directory.Delete(folder, recursive: true);
                return digest;
            }
            Quarantine(digest);
        }
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => new FileInfo(f))
            .Select(f => new ArtifactFile(Path.GetRelativePath(folder, f.FullName).Replace('\\', '/'), ContentDigest.OfFile(f.FullName), f.Length))
            .Where(f => f.Path != ManifestFile)
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .ToList();
        var manifest = new ArtifactManifest(digest, kind, files, provenance.Workflow, provenance.Step, provenance.StepType,
            provenance.Fingerprint, provenance.RunId, DateTimeOffset.UtcNow);
        // Written in place, not via temp + rename: nothing reads the folder until the rename below
        // publishes it whole. Flushed to disk first, so a published artifact never has a torn manifest.
        using (var stream = new FileStream(Path.Combine(folder, ManifestFile), FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(JsonSerializer.SerializeToUtf8Bytes(manifest, EngineJson.Options));
            stream.Flush(flushToDisk: true);
        }
        Directory.CreateDirectory(layout.Store);
        try
        {
            Directory.Move(folder, target);
        }
        catch (IOException) when (Contains(digest))
        {
            // Another step committed the same content first.
            Directory.Delete(folder, recursive: true);
        }
        return digest;
    }
}
