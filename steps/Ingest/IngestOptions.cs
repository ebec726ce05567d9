using System.ComponentModel.DataAnnotations;
using Workflows.Engine.Steps;

namespace Workflows.Steps.Ingest;

/// <summary>Options of the <c>ingest</c> step: read one source file into a canonical dataset.</summary>
public sealed record IngestOptions
{
    /// <summary>The file to read (.jsonl, .json, .csv, .tsv, .parquet, .txt, each optionally .gz),
    /// relative to the project root. Required.</summary>
    [Input(ArtifactKind.Any)]
    public required string Path { get; init; }

    /// <summary>The record layout. Default <c>auto</c>: detected from the first well-formed record.</summary>
    public IngestFormat Format { get; init; } = IngestFormat.Auto;

    /// <summary>The file encoding. Default <c>auto</c>: from the file extension.</summary>
    public SourceFileType FileType { get; init; } = SourceFileType.Auto;

    /// <summary>Explicit source field for each canonical field; overrides detection. Default: none.</summary>
    public ColumnMapping? Columns { get; init; }

    /// <summary>Largest fraction of records that may be quarantined before the step fails.
    /// Default 0 (any bad record fails the step); range 0 to 1.</summary>
    [Range(0.0, 1.0)]
    public double MaxBadFraction { get; init; }

    /// <summary>Largest record, in bytes of UTF-8; bigger ones are quarantined unread, so one huge line
    /// cannot exhaust memory. Default 1,048,576 (1 MiB); range 64 to 268,435,456.</summary>
    [Range(64, 268_435_456)]
    public int MaxRowBytes { get; init; } = 1_048_576;

    /// <summary>For text files: a line that separates documents (e.g. <c>&lt;|endoftext|&gt;</c>).
    /// Default: none, each non-blank line is one document.</summary>
    public string? TextSeparator { get; init; }
}
