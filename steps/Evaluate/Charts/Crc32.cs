namespace Workflows.Steps.Evaluate.Charts;

/// <summary>The CRC-32 PNG chunks carry (ISO 3309, reflected polynomial 0xEDB88320). Written here because
/// System.IO.Hashing is not among this repository's packages.</summary>
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data) => Append(0xFFFFFFFFu, data) ^ 0xFFFFFFFFu;

    /// <summary>Continues a running (pre-inverted) CRC, so a chunk's type and data need not be copied together.</summary>
    public static uint Append(uint running, ReadOnlySpan<byte> data)
    {
        foreach (var b in data) running = Table[(running ^ b) & 0xFF] ^ (running >> 8);
        return running;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
