using System.Text.Json.Nodes;

namespace Workflows.Steps.Ingest;

/// <summary>One record read from a source file: its fields, or why it could not be read.</summary>
/// <param name="Line">1-based line where the record starts (row number for Parquet).</param>
/// <param name="Fields">The record's fields; null when it could not be read.</param>
/// <param name="Error">Why the record could not be read or used.</param>
/// <param name="Raw">The record's text, cut short, for the quarantine file.</param>
/// <param name="Fatal">The file itself is unreadable past this point; ingest stops and fails.</param>
internal readonly record struct SourceRecord(long Line, JsonObject? Fields, string? Error, string? Raw, bool Fatal = false)
{
    public const int RawPreviewChars = 300;

    public static SourceRecord Ok(long line, JsonObject fields) => new(line, fields, null, null);

    public static SourceRecord Bad(long line, string error, string? raw = null) =>
        new(line, null, error, Preview(raw));

    /// <summary>The text cut to <see cref="RawPreviewChars"/>.</summary>
    public static string? Preview(string? raw) => raw is { Length: > RawPreviewChars } ? raw[..RawPreviewChars] : raw;

    public static SourceRecord Broken(long line, string error) => new(line, null, error, null, Fatal: true);
}
