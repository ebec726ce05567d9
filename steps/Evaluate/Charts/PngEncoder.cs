using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Workflows.Steps.Evaluate.Charts;

/// <summary>Encodes 8-bit RGB or RGBA pixels as a PNG: signature, IHDR, one IDAT, IEND. Every row uses
/// filter 0 (none): the charts are flat colour, which zlib compresses well without prediction, and the
/// bytes stay the same for the same pixels.</summary>
internal static class PngEncoder
{
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The PNG file for <paramref name="pixels"/>: rows top to bottom, <paramref name="channels"/> bytes
    /// per pixel (3 = RGB, 4 = RGBA).</summary>
    public static byte[] Encode(int width, int height, int channels, ReadOnlySpan<byte> pixels)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), "the image must have pixels");
        if (channels is not (3 or 4)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "3 (RGB) or 4 (RGBA)");
        var stride = width * channels;
        if (pixels.Length != stride * height) throw new ArgumentException($"expected {stride * height} bytes, got {pixels.Length}", nameof(pixels));

        using var png = new MemoryStream();
        png.Write(Signature);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;                                 // bit depth
        header[9] = (byte)(channels == 3 ? 2 : 6);     // colour type: truecolour, or truecolour with alpha
        // header[10..12]: deflate compression, adaptive filtering, no interlace (all 0).
        WriteChunk(png, "IHDR", header);
        WriteChunk(png, "IDAT", Compress(pixels, stride, height));
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static byte[] Compress(ReadOnlySpan<byte> pixels, int stride, int height)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            for (var y = 0; y < height; y++)
            {
                zlib.WriteByte(0); // filter type none
                zlib.Write(pixels.Slice(y * stride, stride));
            }
        }
        return compressed.ToArray();
    }

    private static void WriteChunk(Stream png, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        png.Write(typeBytes);
        png.Write(data);
        // The CRC covers the chunk type and data, not the length.
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Append(Crc32.Append(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu);
        png.Write(word);
    }
}
