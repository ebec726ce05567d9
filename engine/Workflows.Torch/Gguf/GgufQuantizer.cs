namespace Workflows.Torch.Gguf;

/// <summary>
/// Encodes float rows into ggml's storage types, bit for bit as ggml's reference quantisers
/// (<c>quantize_row_q8_0_ref</c> and <c>quantize_row_q4_0_ref</c> in ggml-quants.c) do, so a file
/// written here holds the same bytes llama.cpp's own converter would write.
/// </summary>
public static class GgufQuantizer
{
    /// <summary>Values per block of the block-quantised types.</summary>
    public const int BlockSize = 32;

    /// <summary>Bytes that <paramref name="count"/> values take in <paramref name="type"/>.</summary>
    public static long ByteCount(GgufTensorType type, long count) => type switch
    {
        GgufTensorType.F32 => count * 4,
        GgufTensorType.F16 => count * 2,
        GgufTensorType.Q8_0 => count / BlockSize * 34,
        GgufTensorType.Q4_0 => count / BlockSize * 18,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>Whether a tensor whose rows hold <paramref name="rowLength"/> values can be stored as <paramref name="type"/>.</summary>
    public static bool Fits(GgufTensorType type, long rowLength) =>
        type is GgufTensorType.F32 or GgufTensorType.F16 || rowLength % BlockSize == 0;

    /// <summary>Encodes <paramref name="values"/> (whole rows, row-major) as <paramref name="type"/>.</summary>
    public static byte[] Encode(ReadOnlySpan<float> values, GgufTensorType type)
    {
        var output = new byte[ByteCount(type, values.Length)];
        switch (type)
        {
            case GgufTensorType.F32:
                for (var i = 0; i < values.Length; i++) BitConverter.TryWriteBytes(output.AsSpan(i * 4), values[i]);
                break;
            case GgufTensorType.F16:
                for (var i = 0; i < values.Length; i++) BitConverter.TryWriteBytes(output.AsSpan(i * 2), (Half)values[i]);
                break;
            case GgufTensorType.Q8_0:
                for (var b = 0; b < values.Length / BlockSize; b++) Q8Block(values.Slice(b * BlockSize, BlockSize), output.AsSpan(b * 34, 34));
                break;
            case GgufTensorType.Q4_0:
                for (var b = 0; b < values.Length / BlockSize; b++) Q4Block(values.Slice(b * BlockSize, BlockSize), output.AsSpan(b * 18, 18));
                break;
        }

        return output;
    }

    /// <summary>Decodes <paramref name="data"/> of <paramref name="type"/> back to floats (as ggml's dequantisers do).</summary>
    public static float[] Decode(ReadOnlySpan<byte> data, GgufTensorType type, int count)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = type switch
            {
                GgufTensorType.F32 => BitConverter.ToSingle(data.Slice(i * 4, 4)),
                GgufTensorType.F16 => (float)BitConverter.ToHalf(data.Slice(i * 2, 2)),
                GgufTensorType.Q8_0 => Scale(data, i / BlockSize * 34) * (sbyte)data[i / BlockSize * 34 + 2 + i % BlockSize],
                GgufTensorType.Q4_0 => Scale(data, i / BlockSize * 18) * (Nibble(data.Slice(i / BlockSize * 18 + 2, 16), i % BlockSize) - 8),
                _ => throw new ArgumentOutOfRangeException(nameof(type)),
            };
        }

        return values;
    }

    // block_q8_0 { ggml_half d; int8_t qs[32]; }: d = max|x| / 127, q = round(x / d).
    private static void Q8Block(ReadOnlySpan<float> x, Span<byte> block)
    {
        var amax = 0f;
        foreach (var v in x) amax = Math.Max(amax, Math.Abs(v));
        var d = amax / 127f;
        var id = d != 0 ? 1f / d : 0f;
        BitConverter.TryWriteBytes(block, (Half)d);
        for (var j = 0; j < BlockSize; j++) block[2 + j] = (byte)(sbyte)MathF.Round(x[j] * id, MidpointRounding.AwayFromZero);
    }

    // block_q4_0 { ggml_half d; uint8_t qs[16]; }: d = (the value of largest magnitude) / -8; value j
    // goes to the low nibble of byte j and value j+16 to its high nibble, stored as q + 8.
    private static void Q4Block(ReadOnlySpan<float> x, Span<byte> block)
    {
        float amax = 0f, max = 0f;
        foreach (var v in x)
        {
            if (amax < Math.Abs(v))
            {
                amax = Math.Abs(v);
                max = v;
            }
        }

        var d = max / -8f;
        var id = d != 0 ? 1f / d : 0f;
        BitConverter.TryWriteBytes(block, (Half)d);
        for (var j = 0; j < BlockSize / 2; j++)
        {
            var low = Math.Min(15, (int)(sbyte)(x[j] * id + 8.5f));
            var high = Math.Min(15, (int)(sbyte)(x[j + BlockSize / 2] * id + 8.5f));
            block[2 + j] = (byte)(low | (high << 4));
        }
    }

    private static float Scale(ReadOnlySpan<byte> data, int offset) => (float)BitConverter.ToHalf(data.Slice(offset, 2));

    private static int Nibble(ReadOnlySpan<byte> qs, int j) => j < BlockSize / 2 ? qs[j] & 0x0F : qs[j - BlockSize / 2] >> 4;
}
