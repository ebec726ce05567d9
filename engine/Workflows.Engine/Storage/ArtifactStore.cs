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

    /// <summary>Moves <paramref name="folder"/> into the store and returns its digest. When the same
    /// content is already stored the folder is discarded (deduplication).</summary>
    public string Commit(string folder, ArtifactKind kind, ArtifactProvenance provenance)
    {
        var digest = ContentDigest.Of(folder, ManifestFile);
        var target = PathOf(digest);
        if (Contains(digest))
        {
            Directory.Delete(folder, recursive: true);
            return digest;
        }
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => new FileInfo(f))
            .Select(f => new ArtifactFile(Path.GetRelativePath(folder, f.FullName).Replace('\\', '/'), ContentDigest.OfFile(f.FullName), f.Length))
            .Where(f => f.Path != ManifestFile)
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .ToList();
        var manifest = new ArtifactManifest(digest, kind, files, provenance.Workflow, provenance.Step, provenance.StepType,
            provenance.Fingerprint, provenance.RunId, DateTimeOffset.UtcNow);
        AtomicFile.WriteAllText(Path.Combine(folder, ManifestFile), JsonSerializer.Serialize(manifest, EngineJson.Options));
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
