using System.Runtime.CompilerServices;

namespace Workflows.Steps.Ingest.Sources;

/// <summary>A JSON array of objects, streamed: a small scanner finds where each top-level element starts
/// and ends (tracking strings, escapes and nesting), and each element is parsed on its own. A malformed
/// element is quarantined with the line it starts on; the file is never held in memory whole.</summary>
internal sealed class JsonArraySource(int maxRowBytes) : IRecordSource
{
    private FileStream? _file;

    public double Progress => SourceStreams.Fraction(_file);

    public async IAsyncEnumerable<SourceRecord> ReadAsync(string path, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var stream = SourceStreams.Open(path, out _file);
        var buffer = new byte[1 << 16];
        var element = new MemoryStream();
        long line = 1, elementLine = 0, elementBytes = 0;
        int depth = 0, read;
        bool inString = false, escaped = false, inElement = false, done = false, first = true;
        while ((read = await stream.ReadAsync(buffer, ct)) > 0)
        {
            var start = first && buffer.AsSpan(0, read).StartsWith("\uFEFF"u8) ? 3 : 0;
            first = false;
            var captureFrom = start;
            for (var i = start; i < read; i++)
            {
                var b = buffer[i];
                if (b == (byte)'\n') line++;
                if (inString)
                {
                    if (escaped) escaped = false;
                    else if (b == (byte)'\\') escaped = true;
                    else if (b == (byte)'"') inString = false;
                    continue;
                }
                if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') continue;
                if (done) { yield return SourceRecord.Broken(line, "unexpected content after the closing ']' of the JSON array"); yield break; }
                if (depth == 0)
                {
                    if (b != (byte)'[') { yield return SourceRecord.Broken(line, $"expected a JSON array ('['), found '{(char)b}'; for one object a line use .jsonl or file_type: jsonl"); yield break; }
                    depth = 1;
                    continue;
                }
                if (depth == 1 && !inElement)
                {
                    if (b == (byte)',') continue;
                    if (b == (byte)']') { done = true; depth = 0; continue; }
                    inElement = true;
                    elementLine = line;
                    captureFrom = i;
                }
                if (depth == 1 && (b == (byte)',' || b == (byte)']'))
                {
                    Capture(buffer.AsSpan(captureFrom, i - captureFrom));
                    yield return Complete();
                    if (b == (byte)']') { done = true; depth = 0; }
                    continue;
                }
                if (b == (byte)'"') inString = true;
                else if (b is (byte)'{' or (byte)'[') depth++;
                else if (b is (byte)'}' or (byte)']') depth--;
            }
            if (inElement) Capture(buffer.AsSpan(captureFrom, read - captureFrom));
        }
        if (inElement) yield return SourceRecord.Bad(elementLine, "malformed JSON: element is not closed before the end of the file");
        if (!done) yield return SourceRecord.Broken(line, "the JSON array is not closed (missing ']')");

        void Capture(ReadOnlySpan<byte> bytes)
        {
            elementBytes += bytes.Length;
            if (elementBytes <= maxRowBytes) element.Write(bytes);
        }

        SourceRecord Complete()
        {
            var bytes = element.GetBuffer().AsSpan(0, (int)element.Length).TrimEnd(" \t\r\n"u8);
            var record = elementBytes > maxRowBytes
                ? SourceRecord.Bad(elementLine, $"row is {elementBytes} bytes, over max_row_bytes ({maxRowBytes})")
                : !System.Text.Unicode.Utf8.IsValid(bytes)
                    ? SourceRecord.Bad(elementLine, "invalid UTF-8", System.Text.Encoding.UTF8.GetString(bytes))
                    : JsonLinesSource.Parse(elementLine, bytes);
            element.SetLength(0);
            elementBytes = 0;
            inElement = false;
            return record;
        }
    }
}
