using System.IO.Compression;

namespace Workflows.Steps.Ingest.Sources;

/// <summary>Opens a source file for sequential reading, gunzipping <c>.gz</c> files on the fly.</summary>
internal static class SourceStreams
{
    public static bool IsGzip(string path) => path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);

    public static Stream Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return IsGzip(path) ? new GZipStream(file, CompressionMode.Decompress) : file;
    }
}
