using Workflows.Steps.Ingest.Sources;

namespace Workflows.Steps.Ingest;

/// <summary>Chooses the record source for a file from <c>file_type:</c> or its extension.</summary>
internal static class SourceTypes
{
    /// <summary>The file type, or an error saying which extensions are known.</summary>
    public static (SourceFileType? Type, string? Error) Resolve(SourceFileType requested, string path)
    {
        if (requested != SourceFileType.Auto) return (requested, null);
        var name = SourceStreams.IsGzip(path) ? path[..^3] : path;
        var type = System.IO.Path.GetExtension(name).ToLowerInvariant() switch
        {
            ".jsonl" or ".ndjson" => SourceFileType.Jsonl,
            ".json" => StartsWithObject(path) ? SourceFileType.Jsonl : SourceFileType.Json,
            ".csv" => SourceFileType.Csv,
            ".tsv" => SourceFileType.Tsv,
            ".parquet" => SourceFileType.Parquet,
            ".txt" or ".text" => SourceFileType.Txt,
            _ => (SourceFileType?)null,
        };
        return type is null
            ? (null, $"unknown file type '{System.IO.Path.GetFileName(path)}': expected .jsonl, .json, .csv, .tsv, .parquet or .txt (optionally .gz); set file_type: to read it anyway")
            : (type, null);
    }

    public static IRecordSource Create(SourceFileType type, IngestOptions options, string tempDirectory) => type switch
    {
        SourceFileType.Jsonl => new JsonLinesSource(options.MaxRowBytes),
        SourceFileType.Json => new JsonArraySource(options.MaxRowBytes),
        SourceFileType.Csv => new DelimitedSource(',', options.MaxRowBytes, options.Header ? null : options.ColumnNames),
        SourceFileType.Tsv => new DelimitedSource('\t', options.MaxRowBytes, options.Header ? null : options.ColumnNames),
        SourceFileType.Parquet => new ParquetSource(tempDirectory, options.MaxRowBytes),
        SourceFileType.Txt => new TextSource(options.MaxRowBytes, options.TextSeparator),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>JSON Lines saved as <c>.json</c> is common; the first non-blank byte tells them apart.</summary>
    private static bool StartsWithObject(string path)
    {
        using var stream = SourceStreams.Open(path);
        int b;
        while ((b = stream.ReadByte()) >= 0)
        {
            if (b is ' ' or '\t' or '\r' or '\n' or 0xEF or 0xBB or 0xBF) continue;
            return b == '{';
        }
        return false;
    }
}
