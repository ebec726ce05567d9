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

    /// <summary>True when the artifact is published: its folder holds a non-empty manifest (an empty one is
    /// what a power loss can leave of a manifest being written; that artifact counts as absent and is
    /// recomputed). Whether the bytes are intact is <see cref="Problems"/>'s question.</summary>
    public bool Contains(string digest)
    {
        var manifest = new FileInfo(Path.Combine(PathOf(digest), ManifestFile));
        return manifest.Exists && manifest.Length > 0;
    }

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
        // One pass over the folder gives both the file list and the digest (the digest is the list's hash).
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => new FileInfo(f))
            .Select(f => new ArtifactFile(Path.GetRelativePath(folder, f.FullName).Replace('\\', '/'), ContentDigest.OfFile(f.FullName), f.Length))
            .Where(f => f.Path != ManifestFile)
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .ToList();
        var digest = ContentDigest.OfList(files.Select(f => (f.Path, f.Sha256)));
        var target = PathOf(digest);
        if (Directory.Exists(target))
        {
            // Deduplicate only against intact bytes: a stored copy that no longer matches its digest (or whose
            // manifest is missing or torn) is moved aside and replaced, which is how `--force` repairs it.
            if (Problems(digest).Count == 0)
            {
                Directory.Delete(folder, recursive: true);
                return digest;
            }
            Quarantine(digest);
        }
        var manifest = new ArtifactManifest(digest, kind, files, provenance.Workflow, provenance.Step, provenance.StepType,
            provenance.Fingerprint, provenance.RunId, DateTimeOffset.UtcNow);
        // Written in place, not via temp + rename: nothing reads the folder until the rename below publishes
        // it whole, so a killed process never leaves a published artifact with a partial manifest. Not flushed
        // to disk, like the step's own files in the folder: after a power loss any of them may be torn, and
        // a torn or empty manifest is damage like any other — Contains and the read check (Problems) catch it,
        // and the artifact is quarantined and recomputed. The run's durable record is written at its end.
        File.WriteAllBytes(Path.Combine(folder, ManifestFile), JsonSerializer.SerializeToUtf8Bytes(manifest, EngineJson.Options));
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
