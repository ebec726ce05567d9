using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Workflows.Engine.Storage;

/// <summary>sha256 digests of files and folders. A folder's digest covers each file's relative path and
/// content, so renaming a file inside it changes the digest but moving the whole folder does not.</summary>
public static class ContentDigest
{
    private static readonly ConcurrentDictionary<(string Path, long Length, DateTime Modified), string> FileCache = new();

    /// <summary>Hex sha256 of a file's bytes; remembered per (path, size, mtime) within the process.</summary>
    public static string OfFile(string path)
    {
        var info = new FileInfo(path);
        return FileCache.GetOrAdd((info.FullName, info.Length, info.LastWriteTimeUtc), _ => Hash(info.FullName));
    }

    /// <summary>Hex sha256 of a file's bytes, read now (never from the per-process memo): for integrity checks,
    /// where a damaged file may keep its size and modification time.</summary>
    public static string Hash(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Digest of a file or a folder tree. Files named in <paramref name="exclude"/> at the top
    /// level are left out (the store's own manifest).</summary>
    public static string Of(string path, params string[] exclude)
    {
        if (File.Exists(path)) return OfFile(path);
        var root = Path.GetFullPath(path);
        return OfList(Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(rel => !exclude.Contains(rel))
            .Order(StringComparer.Ordinal)
            .Select(rel => (rel, OfFile(Path.Combine(root, rel)))));
    }

    /// <summary>A folder's digest from its files' relative paths (in ordinal order) and sha256s: what
    /// <see cref="Of"/> computes for a folder holding exactly these files.</summary>
    public static string OfList(IEnumerable<(string Path, string Sha256)> files)
    {
        var lines = new StringBuilder();
        foreach (var (file, sha256) in files) lines.Append(file).Append('\0').Append(sha256).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(lines.ToString())));
    }
}
