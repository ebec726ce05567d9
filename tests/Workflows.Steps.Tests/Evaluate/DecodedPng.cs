using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Workflows.Steps.Tests.Evaluate;

/// <summary>A minimal PNG reader for the chart tests: splits the chunks and inflates the pixel rows of the
/// 8-bit, filter-0 images the chart writer produces, so tests check the file, not the writer's own state.</summary>
internal sealed record DecodedPng(int Width, int Height, int Channels, byte[] FilterBytes, byte[] Pixels)
{
    public static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Every chunk in file order: type, data, and the CRC stored after it.</summary>
    public static List<(string Type, byte[] Data, uint Crc)> Chunks(byte[] png)
    {
        var chunks = new List<(string, byte[], uint)>();
        for (var at = Signature.Length; at < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length).ToArray();
            chunks.Add((type, data, BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length))));
            at += 12 + length;
        }
        return chunks;
    }

    public static DecodedPng Decode(byte[] png)
    {
        var chunks = Chunks(png);
        var header = chunks.Single(c => c.Type == "IHDR").Data;
        int width = BinaryPrimitives.ReadInt32BigEndian(header), height = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        var channels = header[9] == 6 ? 4 : 3;
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(new MemoryStream(chunks.Where(c => c.Type == "IDAT").SelectMany(c => c.Data).ToArray()), CompressionMode.Decompress))
            zlib.CopyTo(inflated);
        var raw = inflated.ToArray();
        var stride = width * channels;
        var filters = new byte[raw.Length / (stride + 1)];
        var pixels = new byte[filters.Length * stride];
        for (var y = 0; y < filters.Length; y++)
        {
            filters[y] = raw[y * (stride + 1)];
            Array.Copy(raw, y * (stride + 1) + 1, pixels, y * stride, stride);
        }
        return new DecodedPng(width, height, channels, filters, pixels);
    }

    /// <summary>The RGB of pixel (x, y).</summary>
    public (byte R, byte G, byte B) this[int x, int y]
    {
        get
        {
            var i = (y * Width + x) * Channels;
            return (Pixels[i], Pixels[i + 1], Pixels[i + 2]);
        }
    }
}
