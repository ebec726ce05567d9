using System.Runtime.CompilerServices;
using System.Text;

namespace Workflows.Steps.Ingest.Sources;

/// <summary>Splits a byte stream into lines (LF or CRLF) without decoding, so invalid UTF-8 is seen per
/// line instead of being silently replaced, and a line longer than the limit is skipped unbuffered.</summary>
internal static class Utf8LineReader
{
    /// <summary>One physical line: its bytes (null when over the limit) and its full length.</summary>
    public readonly record struct Line(long Number, byte[]? Bytes, long Length)
    {
        public bool TooLong => Bytes is null;

        public bool IsValidUtf8 => Bytes is not null && System.Text.Unicode.Utf8.IsValid(Bytes);

        public string Text => Bytes is null ? "" : Encoding.UTF8.GetString(Bytes);

        public bool IsBlank => Bytes is not null && Bytes.AsSpan().Trim(" \t"u8).IsEmpty;
    }

    public static async IAsyncEnumerable<Line> ReadAsync(Stream stream, int maxBytes, [EnumeratorCancellation] CancellationToken ct)
    {
        var buffer = new byte[1 << 16];
        var current = new MemoryStream();
        long length = 0, number = 1;
        var first = true;
        int read;
        while ((read = await stream.ReadAsync(buffer, ct)) > 0)
        {
            var chunk = buffer.AsMemory(0, read);
            if (first && chunk.Span.StartsWith("\uFEFF"u8)) chunk = chunk[3..];
            first = false;
            while (!chunk.IsEmpty)
            {
                var newline = chunk.Span.IndexOf((byte)'\n');
                var part = newline < 0 ? chunk : chunk[..newline];
                length += part.Length;
                if (length <= maxBytes + 1) current.Write(part.Span); // +1 leaves room for a CR
                if (newline < 0) break;
                yield return Finish(number++, current, length, maxBytes);
                length = 0;
                chunk = chunk[(newline + 1)..];
            }
        }
        if (length > 0) yield return Finish(number, current, length, maxBytes);
    }

    private static Line Finish(long number, MemoryStream current, long length, int maxBytes)
    {
        var bytes = current.ToArray();
        current.SetLength(0);
        if (bytes.Length > 0 && bytes[^1] == (byte)'\r')
        {
            bytes = bytes[..^1];
            length--;
        }
        return length > maxBytes ? new Line(number, null, length) : new Line(number, bytes, length);
    }
}
