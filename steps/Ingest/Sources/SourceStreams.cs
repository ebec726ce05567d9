using System.IO.Compression;

namespace Workflows.Steps.Ingest.Sources;

/// <summary>Opens a source file for sequential reading, gunzipping <c>.gz</c> files on the fly.</summary>
internal static class SourceStreams
{
    public static bool IsGzip(string path) => path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);

    public static Stream Open(string path) => Open(path, out _);

    /// <summary>Opens the file; <paramref name="file"/> is the file itself, whose position tells progress.</summary>
    public static Stream Open(string path, out FileStream file)
    {
        file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return IsGzip(path) ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    /// <summary>Position over length of an open file; 0 before it is opened, 1 once it is closed.</summary>
    public static double Fraction(FileStream? file) =>
        file is null ? 0 : !file.CanSeek ? 1 : file.Length == 0 ? 1 : (double)file.Position / file.Length;
}
