using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Workflows.Torch.Engine;

/// <summary>
/// Content digest of a model (weights, config, tokenizer), so a changed file is a different cache
/// entry. Hashing gigabytes is slow, so results are remembered per file length and write time.
/// </summary>
internal static class ModelDigest
{
    private static readonly ConcurrentDictionary<(string Path, long Length, DateTime Written), string> Known = new();

    public static string Of(string modelPath)
    {
        var files = Directory.Exists(modelPath)
            ? Directory.EnumerateFiles(modelPath).Where(IsModelFile).Order(StringComparer.Ordinal).ToList()
            : [modelPath, .. Directory.EnumerateFiles(Path.GetDirectoryName(Path.GetFullPath(modelPath))!).Where(f => IsTokenizerFile(f))];
        using var combined = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            combined.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(file) + "\n" + FileDigest(file) + "\n"));
        }

        return Convert.ToHexStringLower(combined.GetHashAndReset());
    }

    private static string FileDigest(string file)
    {
        var info = new FileInfo(file);
        return Known.GetOrAdd((info.FullName, info.Length, info.LastWriteTimeUtc), _ =>
        {
            using var stream = File.OpenRead(file);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        });
    }

    private static bool IsModelFile(string file) =>
        file.EndsWith(".safetensors", StringComparison.Ordinal) || file.EndsWith(".json", StringComparison.Ordinal) || IsTokenizerFile(file);

    private static bool IsTokenizerFile(string file)
    {
        var name = Path.GetFileName(file);
        return name.EndsWith(".model", StringComparison.Ordinal) || name == "tokenizer.json"
            || (name.EndsWith(".bin", StringComparison.Ordinal) && (name == "tokenizer.bin" || name.StartsWith("tok", StringComparison.Ordinal)));
    }
}
