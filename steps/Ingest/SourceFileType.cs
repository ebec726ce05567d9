namespace Workflows.Steps.Ingest;

/// <summary>How the source file is encoded (YAML <c>file_type:</c>). Any of them may be gzipped
/// (<c>.gz</c>), which is recognised by name.</summary>
public enum SourceFileType
{
    /// <summary>From the extension: .jsonl/.ndjson, .json, .csv, .tsv, .parquet, .txt; a <c>.json</c> file
    /// that starts with <c>{</c> is read as JSON Lines.</summary>
    Auto,
    /// <summary>One JSON object a line.</summary>
    Jsonl,
    /// <summary>One JSON array of objects, streamed element by element.</summary>
    Json,
    /// <summary>Comma-separated with a header row; RFC 4180 quoting (quoted fields may span lines).</summary>
    Csv,
    /// <summary>Tab-separated with a header row; no quoting.</summary>
    Tsv,
    /// <summary>Apache Parquet, read one row group at a time.</summary>
    Parquet,
    /// <summary>Plain text: one document a line, or documents between <c>text_separator</c> lines.</summary>
    Txt,
}
