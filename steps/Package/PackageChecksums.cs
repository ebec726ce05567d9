using System.Security.Cryptography;
using Workflows.Engine.Storage;

namespace Workflows.Steps.Package;

/// <summary>The <c>checksums.sha256</c> manifest of a package, in <c>sha256sum</c>'s format
/// (<c>sha256sum -c checksums.sha256</c> verifies it too).</summary>
public static class PackageChecksums
{
    /// <summary>The manifest's file name.</summary>
    public const string FileName = "checksums.sha256";

    /// <summary>Hashes every file in <paramref name="folder"/> (recursively, except the manifest) and writes the manifest.</summary>
    public static void Write(string folder)
    {
        var lines = Files(folder).Select(name => $"{Hash(Path.Combine(folder, name))}  {name}");
        File.WriteAllText(Path.Combine(folder, FileName), string.Join("\n", lines) + "\n");
    }

    /// <summary>Every problem: a missing manifest, a listed file missing or changed, an unlisted file. Empty when intact.</summary>
    public static List<string> Verify(string folder)
    {
        var manifest = Path.Combine(folder, FileName);
        if (!File.Exists(manifest)) return [$"{FileName} is missing; the package cannot be verified"];
        var problems = new List<string>();
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(manifest).Where(l => l.Length > 0))
        {
            var (hash, name) = (line[..Math.Min(64, line.Length)], line.Length > 66 ? line[66..] : "");
            listed.Add(name);
            var path = Path.Combine(folder, name);
            if (name.Length == 0 || name.Contains("..", StringComparison.Ordinal)) problems.Add($"{FileName}: malformed line '{line}'");
            else if (!File.Exists(path)) problems.Add($"{name}: listed in {FileName} but missing");
            else if (!string.Equals(Hash(path), hash, StringComparison.OrdinalIgnoreCase)) problems.Add($"{name}: checksum mismatch; the file was changed or corrupted after packaging");
        }

        // The artifact store adds its own manifest when it commits the folder; it is not part of the package.
        problems.AddRange(Files(folder).Where(f => !listed.Contains(f) && f != ArtifactStore.ManifestFile).Select(f => $"{f}: not listed in {FileName}; it was added after packaging"));
        return problems;
    }

    private static IEnumerable<string> Files(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(folder, p).Replace('\\', '/'))
            .Where(name => name != FileName)
            .Order(StringComparer.Ordinal);

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
