using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TorchSharp;
using static TorchSharp.torch;

namespace Workflows.Torch.Llama;

/// <summary>
/// Attention of the new tokens of each row over that row's cached keys, for float32 on the CPU: a
/// prompt's tokens when it is prefilled and the decoding step of one prompt alone or of a left-padded
/// batch. Each (row, query head, token) is computed on its own, over its row's real keys up to the
/// token's own position (never the padding) in position order, so a row's result depends neither on the
/// batch it is in: a prompt gets the same bits alone and batched, by construction. A call bringing several
/// tokens (a prompt) goes through <see cref="PromptAttention"/>, whose arithmetic differs from a decoding
/// step's, so a prompt token's bits are not those it would get if it had been decoded. It also replaces
/// libtorch's flash kernel, whose small matrix calls per (row, head) and layer cost more than the
/// arithmetic at the head sizes of small models.
/// </summary>
internal static class DecodeAttention
{
    /// <summary>Whether <see cref="Compute"/> takes these queries (B, nh, T, hs) over <paramref name="total"/> cached
    /// columns: float32 on the CPU with each layer's keys under 2 GiB, and, for several tokens, a head size that
    /// fills whole vectors and either at most 16 or at most <see cref="LongestPrompt"/> columns; otherwise attention
    /// goes through scaled_dot_product_attention. The choice depends on the row's own sizes only, never on its batch.</summary>
    public static bool Supports(Tensor q, KvCache cache, long total) =>
        q.device_type == DeviceType.CPU && q.dtype == ScalarType.Float32 && cache.LayerBytes < int.MaxValue
        && (q.shape[2] == 1 || (q.shape[3] % 8 == 0 && Avx.IsSupported && (q.shape[3] <= 16 || total <= LongestPrompt)));

    /// <summary>Most columns a prompt attends through <see cref="PromptAttention"/> at head sizes above 16. Timed against
    /// libtorch's flash kernel at head sizes 64 and 128 on one thread, the kernel was faster up to about this length
    /// and slower beyond it, where the flash kernel's blocked matrix products pay off.</summary>
    public const long LongestPrompt = 1024;

    /// <summary>
    /// Attention output (B, nh, T, hs) for the queries <paramref name="q"/> (B, nh, T, hs) of the T newest
    /// of the <paramref name="total"/> columns <paramref name="cache"/> holds for <paramref name="layer"/>
    /// (their keys and values already appended). Query t sits at column total − T + t and attends from
    /// column <see cref="KvCache.LeftPadding"/>[b] of its row (0 without padding) up to its own column and,
    /// with a <paramref name="window"/>, to the last <c>window</c> of those at most; a query on the padding
    /// sees only itself, as <see cref="KvCache.PaddingMask"/> has it, so no output is NaN.
    /// </summary>
    public static Tensor Compute(Tensor q, KvCache cache, int layer, long total, int? window)
    {
        var (keys, values) = cache.Layer(layer);                                                  // (B, nkv, capacity, hs)
        var first = cache.LeftPadding;
        var (batch, heads, length, headDim) = (q.shape[0], q.shape[1], q.shape[2], (int)q.shape[3]);
        var (kvHeads, capacity) = (keys.shape[1], keys.shape[2]);
        var group = heads / kvHeads;
        using var queries = q.contiguous();
        var output = empty([batch, heads, length, headDim], ScalarType.Float32);
        var scale = 1f / MathF.Sqrt(headDim);
        // Several tokens (a prompt): four at a time over transposed keys, when the head fills whole vectors.
        var blocked = length > 1 && headDim % 8 == 0 && Avx.IsSupported;
        var weights = new float[blocked ? PromptAttention.Block * PromptAttention.Stride(total) : total];
        var transposed = new float[blocked ? headDim * PromptAttention.Stride(total) : 0];
        unsafe
        {
            fixed (byte* qBytes = queries.bytes, kBytes = keys.bytes, vBytes = values.bytes, yBytes = output.bytes)
            fixed (float* w = weights, kt = transposed)
            {
                float* qs = (float*)qBytes, ks = (float*)kBytes, vs = (float*)vBytes, ys = (float*)yBytes;
                for (var b = 0L; b < batch; b++)
                {
                    var padding = first?[b] ?? 0;
                    for (var h = 0L; h < heads; h++)
                    {
                        var column = ((b * kvHeads) + (h / group)) * capacity * headDim;             // this row's kv head, column 0
                        var offset = ((b * heads) + h) * length * headDim;
                        if (blocked)
                        {
                            if (h % group == 0) PromptAttention.Transpose(ks + column, kt, total, headDim);
                            PromptAttention.Head(qs + offset, kt, vs + column, ys + offset, w, padding, total, length, window, headDim, scale);
                            continue;
                        }

                        for (var t = 0L; t < length; t++)
                        {
                            var (start, end) = Columns(total, length, t, padding, window);
                            Row(qs + offset + (t * headDim), ks + column, vs + column, ys + offset + (t * headDim), w, start, end, headDim, scale);
                        }
                    }
                }
            }
        }

        return output;
    }

    /// <summary>The columns start .. end-1 that query <paramref name="t"/> of the <paramref name="length"/> newest of
    /// <paramref name="total"/> attends to (see <see cref="Compute"/>): up to its own column, from the row's first real
    /// column or the window's; a query on the padding sees only itself.</summary>
    internal static (long Start, long End) Columns(long total, long length, long t, long padding, int? window)
    {
        var end = total - length + t + 1;                                                         // the token's own column, included
        return (Math.Min(window is int size ? Math.Max(padding, end - size) : padding, end - 1), end);
    }

    // Softmax(q·k_j * scale) over columns start .. total-1, then the weighted sum of v_j, in column order.
    // Every loop runs from the row's first column, so the same keys give the same bits at any padding.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Row(float* q, float* k, float* v, float* y, float* w, long start, long total, int headDim, float scale)
    {
        var count = (int)(total - start);
        k += start * headDim;
        v += start * headDim;
        var max = float.NegativeInfinity;
        var first = Avx.IsSupported && headDim % 8 == 0 ? Scores8(q, k, w, count, headDim, scale, ref max) : 0;
        for (var j = first; j < count; j++)
        {
            w[j] = Dot(q, k + ((long)j * headDim), headDim) * scale;
            if (w[j] > max) max = w[j];
        }

        var sum = 0f;
        var j8 = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var acc = Vector256<float>.Zero;
            var top = Vector256.Create(max);
            for (; j8 <= count - 8; j8 += 8)
            {
                var e = AttentionExp.Of(Vector256.Load(w + j8) - top);
                e.Store(w + j8);
                acc += e;
            }

            sum = Vector256.Sum(acc);
        }

        for (; j8 < count; j8++)
        {
            w[j8] = AttentionExp.Of(w[j8] - max);
            sum += w[j8];
        }

        var inverse = 1f / sum;
        var d = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // Four accumulators over columns j mod 4 keep the additions off one dependency chain.
            for (; d <= headDim - 8; d += 8)
            {
                Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
                var j = 0;
                for (; j <= count - 4; j += 4)
                {
                    a0 += Vector256.Create(w[j]) * Vector256.Load(v + ((long)j * headDim) + d);
                    a1 += Vector256.Create(w[j + 1]) * Vector256.Load(v + ((long)(j + 1) * headDim) + d);
                    a2 += Vector256.Create(w[j + 2]) * Vector256.Load(v + ((long)(j + 2) * headDim) + d);
                    a3 += Vector256.Create(w[j + 3]) * Vector256.Load(v + ((long)(j + 3) * headDim) + d);
                }

                for (; j < count; j++) a0 += Vector256.Create(w[j]) * Vector256.Load(v + ((long)j * headDim) + d);
                (((a0 + a1) + (a2 + a3)) * Vector256.Create(inverse)).Store(y + d);
            }
        }

        for (; d < headDim; d++)
        {
            var acc = 0f;
            for (var j = 0; j < count; j++) acc += w[j] * v[((long)j * headDim) + d];
            y[d] = acc * inverse;
        }
    }

    // Scores of eight columns at a time: eight products accumulated per column, then one horizontal-add
    // tree sums all eight (a per-column horizontal sum would cost as much as the products at small heads).
    // Returns how many columns it scored (a multiple of 8).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe int Scores8(float* q, float* k, float* w, int count, int headDim, float scale, ref float max)
    {
        var j = 0;
        var top = Vector256.Create(float.NegativeInfinity);
        for (; j <= count - 8; j += 8)
        {
            // The eight products live in registers; each column still sums its head in order d = 0, 8, 16, ...
            var key = k + ((long)j * headDim);
            Vector256<float> p0 = default, p1 = default, p2 = default, p3 = default, p4 = default, p5 = default, p6 = default, p7 = default;
            for (var d = 0; d < headDim; d += 8)
            {
                var query = Vector256.Load(q + d);
                p0 += query * Vector256.Load(key + d);
                p1 += query * Vector256.Load(key + headDim + d);
                p2 += query * Vector256.Load(key + (2 * headDim) + d);
                p3 += query * Vector256.Load(key + (3 * headDim) + d);
                p4 += query * Vector256.Load(key + (4 * headDim) + d);
                p5 += query * Vector256.Load(key + (5 * headDim) + d);
                p6 += query * Vector256.Load(key + (6 * headDim) + d);
                p7 += query * Vector256.Load(key + (7 * headDim) + d);
            }

            var low = Avx.HorizontalAdd(Avx.HorizontalAdd(p0, p1), Avx.HorizontalAdd(p2, p3));           // halves of columns 0-3
            var high = Avx.HorizontalAdd(Avx.HorizontalAdd(p4, p5), Avx.HorizontalAdd(p6, p7));          // halves of columns 4-7
            var sums = Avx.Permute2x128(low, high, 0x20) + Avx.Permute2x128(low, high, 0x31);              // columns 0-7
            var scores = sums * Vector256.Create(scale);
            scores.Store(w + j);
            top = Avx.Max(top, scores);                                                                   // no NaN here: plain vmaxps
        }

        for (var i = 0; i < 8; i++) max = MathF.Max(max, top.GetElement(i));
        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe float Dot(float* a, float* b, int length)
    {
        var i = 0;
        var sum = 0f;
        if (Vector256.IsHardwareAccelerated && length >= 8)
        {
            var acc = Vector256<float>.Zero;
            for (; i <= length - 8; i += 8) acc += Vector256.Load(a + i) * Vector256.Load(b + i);
            sum = Vector256.Sum(acc);
        }

        for (; i < length; i++) sum += a[i] * b[i];
        return sum;
    }
}
