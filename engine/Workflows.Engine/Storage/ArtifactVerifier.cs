using System.Text.Json;

namespace Workflows.Engine.Storage;

/// <summary>The full integrity check of one stored artifact: the manifest parses and names this digest,
/// every file it lists exists with its size and sha256, no file is added, and the file list still hashes
/// to the folder's digest. Every byte is read; nothing is taken from a memo.</summary>
internal static class ArtifactVerifier
{
    public static IReadOnlyList<string> Problems(string folder, string digest)
    {
        var manifestPath = Path.Combine(folder, ArtifactStore.ManifestFile);
        if (!File.Exists(manifestPath)) return [$"{manifestPath}: missing"];
        ArtifactManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ArtifactManifest>(File.ReadAllText(manifestPath), EngineJson.Options);
        }
        catch (JsonException e)
        {
            return [$"{manifestPath}: unreadable ({e.Message.Split('\n')[0].TrimEnd()})"];
        }
        if (manifest?.Files is null) return [$"{manifestPath}: holds no file list"];
        var problems = new List<string>();
        if (manifest.Digest != digest) problems.Add($"{manifestPath}: names digest {manifest.Digest}, but the folder is {digest}");
        foreach (var file in manifest.Files)
        {
            var path = Path.Combine(folder, file.Path);
            if (!File.Exists(path))
            {
                problems.Add($"{path}: missing");
                continue;
            }
            var size = new FileInfo(path).Length;
            if (size != file.Size)
            {
                problems.Add($"{path}: {size} bytes, the manifest says {file.Size}");
                continue;
            }
            var actual = ContentDigest.Hash(path);
            if (actual != file.Sha256) problems.Add($"{path}: sha256 {actual[..12]}…, the manifest says {file.Sha256[..Math.Min(12, file.Sha256.Length)]}…");
        }
        var listed = manifest.Files.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var extra in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                     .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
                     .Where(f => f != ArtifactStore.ManifestFile && !listed.Contains(f)).Order(StringComparer.Ordinal))
            problems.Add($"{Path.Combine(folder, extra)}: not in the manifest");
        if (problems.Count == 0 && ListDigest(manifest) != digest)
            problems.Add($"{manifestPath}: its file list does not hash to the folder's digest {digest}");
        return problems;
    }

    /// <summary>The folder digest the manifest's file list implies (same form as <see cref="ContentDigest.Of"/>).</summary>
    private static string ListDigest(ArtifactManifest manifest)
    {
        var lines = new System.Text.StringBuilder();
        foreach (var file in manifest.Files.OrderBy(f => f.Path, StringComparer.Ordinal))
            lines.Append(file.Path).Append('\0').Append(file.Sha256).Append('\n');
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(lines.ToString())));
    }
}
