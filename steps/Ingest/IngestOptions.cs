using System.ComponentModel.DataAnnotations;
using Workflows.Engine.Steps;

namespace Workflows.Steps.Ingest;

/// <summary>Options of the <c>ingest</c> step: read one source file into a canonical dataset.</summary>
public sealed record IngestOptions : IValidatableOptions
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

    /// <summary>Largest fraction of records that may be quarantined before the step fails. Default 0.01
    /// (1%): a handful of broken rows in a large public dataset are quarantined, counted
    /// (<c>rows_quarantined</c>) and warned about, and the rest is ingested. 0 is strict mode: any bad
    /// record fails the step. Range 0 to 1.</summary>
    [Range(0.0, 1.0)]
    public double MaxBadFraction { get; init; } = 0.01;

    /// <summary>Largest record, in bytes of UTF-8; bigger ones are quarantined unread, so one huge line
    /// cannot exhaust memory. Default 1,048,576 (1 MiB); range 64 to 268,435,456.</summary>
    [Range(64, 268_435_456)]
    public int MaxRowBytes { get; init; } = 1_048_576;

    /// <summary>For text files: a line that separates documents (e.g. <c>&lt;|endoftext|&gt;</c>).
    /// Default: none, each non-blank line is one document.</summary>
    public string? TextSeparator { get; init; }

    /// <summary>CSV/TSV: whether the first row names the columns. Default true; with false, name them in
    /// <see cref="ColumnNames"/> and the first row is read as data.</summary>
    public bool Header { get; init; } = true;

    /// <summary>CSV/TSV without a header row (<c>header: false</c>): the name of each column, in order,
    /// e.g. <c>[label, text]</c>. Default: none.</summary>
    public IReadOnlyList<string>? ColumnNames { get; init; }

    /// <summary>Source fields to drop knowingly. A field that carries meaning the canonical dataset has no
    /// place for (<c>images</c>, <c>videos</c>, <c>audios</c>: the engine is text-only; <c>tools</c>) makes
    /// its row be refused, naming the field, unless it is listed here. Default: none.</summary>
    public IReadOnlyList<string>? DropFields { get; init; }

    public IEnumerable<OptionError> Validate()
    {
        if (!Header && ColumnNames is not { Count: > 0 })
            yield return new OptionError("header", "false needs column_names to name the columns", "add e.g. column_names: [label, text]");
        if (Header && ColumnNames is not null)
            yield return new OptionError("column_names", "column_names names the columns of a file without a header row", "add header: false, or remove column_names (use columns: to map header names)");
        if (ColumnNames is { } names && (names.Any(string.IsNullOrWhiteSpace) || names.Distinct().Count() != names.Count))
            yield return new OptionError("column_names", "must be non-empty and distinct");
    }
}
