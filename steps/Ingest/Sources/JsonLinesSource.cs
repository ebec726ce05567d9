using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workflows.Steps.Ingest.Sources;

/// <summary>JSON Lines: one object a line; blank lines are skipped.</summary>
internal sealed class JsonLinesSource(int maxRowBytes) : IRecordSource
{
    // Duplicate keys are rejected while parsing; JsonObject would otherwise throw later, on first lookup.
    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    private FileStream? _file;

    public double Progress => SourceStreams.Fraction(_file);

    public async IAsyncEnumerable<SourceRecord> ReadAsync(string path, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var stream = SourceStreams.Open(path, out _file);
        await foreach (var line in Utf8LineReader.ReadAsync(stream, maxRowBytes, ct))
        {
            if (line.TooLong) yield return SourceRecord.Bad(line.Number, $"row is {line.Length} bytes, over max_row_bytes ({maxRowBytes})");
            else if (line.IsBlank) continue;
            else if (!line.IsValidUtf8) yield return SourceRecord.Bad(line.Number, "invalid UTF-8", line.Text);
            else yield return Parse(line.Number, line.Bytes!);
        }
    }

    /// <summary>Parses one JSON object; shared with the JSON array source.</summary>
    public static SourceRecord Parse(long lineNumber, ReadOnlySpan<byte> json)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, documentOptions: Strict);
        }
        catch (JsonException e)
        {
            return SourceRecord.Bad(lineNumber, $"malformed JSON: {e.Message}", System.Text.Encoding.UTF8.GetString(json));
        }
        return node is JsonObject fields
            ? SourceRecord.Ok(lineNumber, fields)
            : SourceRecord.Bad(lineNumber, $"expected a JSON object, got {node?.GetValueKind().ToString().ToLowerInvariant() ?? "null"}",
                System.Text.Encoding.UTF8.GetString(json));
    }
}
