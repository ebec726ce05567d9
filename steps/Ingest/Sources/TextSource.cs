using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;

namespace Workflows.Steps.Ingest.Sources;

/// <summary>Plain text: each non-blank line is a document, or, with a separator, the lines between
/// separator lines are (blank lines at a document's edges dropped). Records have one field, <c>text</c>.</summary>
internal sealed class TextSource(int maxRowBytes, string? separator) : IRecordSource
{
    private FileStream? _file;

    public double Progress => SourceStreams.Fraction(_file);

    public async IAsyncEnumerable<SourceRecord> ReadAsync(string path, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var stream = SourceStreams.Open(path, out _file);
        var document = new StringBuilder();
        long start = 0, bytes = 0;
        string? problem = null;
        await foreach (var line in Utf8LineReader.ReadAsync(stream, maxRowBytes, ct))
        {
            if (separator is null)
            {
                if (line.TooLong) yield return SourceRecord.Bad(line.Number, $"row is {line.Length} bytes, over max_row_bytes ({maxRowBytes})");
                else if (line.IsBlank) continue;
                else if (!line.IsValidUtf8) yield return SourceRecord.Bad(line.Number, "invalid UTF-8", line.Text);
                else yield return Document(line.Number, line.Text);
                continue;
            }
            if (line.Bytes is not null && line.Text.Trim() == separator)
            {
                if (start > 0) yield return Finish();
                continue;
            }
            if (start == 0 && line.IsBlank) continue;
            if (start == 0) start = line.Number;
            bytes += line.Length + 1;
            if (line.TooLong || bytes > maxRowBytes) problem ??= $"document is over max_row_bytes ({maxRowBytes})";
            else if (!line.IsValidUtf8) problem ??= $"invalid UTF-8 on line {line.Number}";
            else document.Append(line.Text).Append('\n');
        }
        if (start > 0) yield return Finish();

        SourceRecord Finish()
        {
            var record = problem is null
                ? Document(start, document.ToString().TrimEnd('\n', '\r', ' ', '\t'))
                : SourceRecord.Bad(start, problem);
            document.Clear();
            start = 0;
            bytes = 0;
            problem = null;
            return record;
        }
    }

    private static SourceRecord Document(long line, string text) => SourceRecord.Ok(line, new JsonObject { ["text"] = text });
}
