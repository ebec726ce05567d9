namespace Workflows.Engine.Storage;

/// <summary>Reads an append-only file of lines a piece at a time, while writers (in this or other processes)
/// go on appending: each <see cref="Read"/> returns the complete lines written since the previous one. What
/// follows the last <c>'\n'</c> is a line still being written, or torn, and waits for a later read.</summary>
/// <param name="path">The file; a missing file reads as empty.</param>
internal sealed class AppendedLines(string path)
{
    private long _offset; // always just after a '\n', or 0

    /// <summary>Bytes read from the file so far (a line still being written counts each time it is read).</summary>
    public long BytesRead { get; private set; }

    /// <summary>The complete lines appended since the last call, each ending with <c>'\n'</c>; empty when none.
    /// <paramref name="restarted"/> is true when the file had become shorter than what was read (rewritten, e.g.
    /// compacted): the lines are then read from its first byte, and what was read before no longer stands in it.
    /// A file that is gone is read from its first byte when it appears again.</summary>
    public ReadOnlyMemory<byte> Read(out bool restarted)
    {
        restarted = false;
        byte[] appended;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length < _offset)
            {
                restarted = true;
                _offset = 0;
            }
            if (stream.Length == _offset) return ReadOnlyMemory<byte>.Empty;
            stream.Position = _offset;
            appended = new byte[stream.Length - _offset];
            stream.ReadExactly(appended);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            _offset = 0;
            return ReadOnlyMemory<byte>.Empty;
        }
        BytesRead += appended.Length;
        var complete = Array.LastIndexOf(appended, (byte)'\n') + 1;
        _offset += complete;
        return appended.AsMemory(0, complete);
    }
}
