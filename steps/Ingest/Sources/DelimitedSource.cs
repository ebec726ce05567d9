using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;

namespace Workflows.Steps.Ingest.Sources;

/// <summary>CSV (RFC 4180 quoting; a quoted field may span lines) or TSV (tabs, no quoting), with a
/// header row naming the fields, or with <paramref name="columnNames"/> for a file without one. A record
/// whose field count differs from the header's is quarantined.</summary>
internal sealed class DelimitedSource(char delimiter, int maxRowBytes, IReadOnlyList<string>? columnNames = null) : IRecordSource
{
    private FileStream? _file;

    public double Progress => SourceStreams.Fraction(_file);

    private bool Quoted => delimiter == ',';

    public async IAsyncEnumerable<SourceRecord> ReadAsync(string path, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var stream = SourceStreams.Open(path, out _file);
        var header = columnNames?.ToArray();
        var pending = new StringBuilder();
        long start = 0, bytes = 0;
        string? problem = null;
        await foreach (var line in Utf8LineReader.ReadAsync(stream, maxRowBytes, ct))
        {
            if (start == 0)
            {
                if (line.IsBlank) continue;
                start = line.Number;
            }
            bytes += line.Length + 1;
            if (line.TooLong || bytes > maxRowBytes) problem ??= $"row is over max_row_bytes ({maxRowBytes})";
            else if (!line.IsValidUtf8) problem ??= "invalid UTF-8";
            else pending.Append(line.Text);
            var text = pending.ToString();
            if (problem is null && Quoted && !QuotesBalanced(text))
            {
                pending.Append('\n');
                continue;
            }
            SourceRecord record;
            if (problem is not null) record = SourceRecord.Bad(start, problem);
            else if (header is null)
            {
                header = Split(text).Select(h => h.Trim()).ToArray();
                if (header.Any(string.IsNullOrEmpty) || header.Distinct().Count() != header.Length)
                {
                    yield return SourceRecord.Broken(start, $"the header row has empty or repeated column names: {text}" + HeaderGuess.Hint(header));
                    yield break;
                }
                Reset();
                continue;
            }
            else record = ToRecord(start, header, Split(text), text);
            Reset();
            yield return record;
        }
        if (start > 0) yield return SourceRecord.Bad(start, problem ?? "unterminated quoted field at the end of the file", pending.ToString());
        if (header is null) yield return SourceRecord.Broken(1, "the file is empty: expected a header row naming the columns");

        void Reset()
        {
            pending.Clear();
            start = 0;
            bytes = 0;
            problem = null;
        }
    }

    private static SourceRecord ToRecord(long line, string[] header, List<string> fields, string raw)
    {
        if (fields.Count != header.Length)
            return SourceRecord.Bad(line, $"expected {header.Length} fields ({string.Join(", ", header)}), found {fields.Count}", raw);
        var record = new JsonObject();
        for (var i = 0; i < header.Length; i++) record[header[i]] = fields[i];
        return SourceRecord.Ok(line, record);
    }

    private static bool QuotesBalanced(string text) => text.Count(c => c == '"') % 2 == 0;

    private List<string> Split(string text)
    {
        if (!Quoted) return [.. text.Split(delimiter)];
        var fields = new List<string>();
        var field = new StringBuilder();
        var inQuotes = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c != '"') field.Append(c);
                else if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else inQuotes = false;
            }
            else if (c == '"') inQuotes = true;
            else if (c == delimiter) { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        fields.Add(field.ToString());
        return fields;
    }
}
