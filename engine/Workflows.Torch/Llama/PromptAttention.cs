using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Workflows.Torch.Llama;

/// <summary>
/// Causal attention of a prompt's tokens over one row's cached keys and values, float32 on the CPU,
/// four query tokens at a time (<see cref="DecodeAttention"/> uses it when a call brings more than one
/// token and the head size is a multiple of 8). The keys are transposed once per key/value head, so the
/// scores of eight keys for one query are head-size multiply-adds without horizontal sums, and each key's
/// values are loaded once for four queries. Every loop order is fixed by the token's position and the
/// row's keys alone, so a prompt gets the same bits in any process and whichever batch it belongs to.
/// </summary>
internal static unsafe class PromptAttention
{
    /// <summary>Queries computed together.</summary>
    public const int Block = 4;

    /// <summary>
    /// Writes keys <paramref name="k"/> (<paramref name="total"/> × <paramref name="headDim"/>, row-major) into
    /// <paramref name="kt"/> as <paramref name="headDim"/> rows of <paramref name="total"/> columns.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose(float* k, float* kt, long total, int headDim)
    {
        for (var j = 0L; j < total; j++)
        {
            for (var d = 0; d < headDim; d++) kt[(d * total) + j] = k[(j * headDim) + d];
        }
    }

    /// <summary>
    /// Attention of one query head's <paramref name="length"/> newest tokens: query t (rows of
    /// <paramref name="q"/>, written to the same rows of <paramref name="y"/>) sits at column total − length + t
    /// and attends from column <paramref name="padding"/> (or the last <paramref name="window"/> columns)
    /// up to its own; a query on the padding sees only itself. <paramref name="kt"/> holds the transposed keys (<see cref="Transpose"/>), <paramref name="v"/>
    /// the values (total × headDim), <paramref name="w"/> room for <see cref="Block"/> × total scores.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Head(float* q, float* kt, float* v, float* y, float* w, long padding, long total, long length, int? window, int headDim, float scale)
    {
        var starts = stackalloc long[Block];
        var ends = stackalloc long[Block];
        var inverse = stackalloc float[Block];
        for (var t0 = 0L; t0 < length; t0 += Block)
        {
            var count = (int)Math.Min(Block, length - t0);
            long low = long.MaxValue, high = 0;
            for (var i = 0; i < Block; i++)
            {
                var t = t0 + Math.Min(i, count - 1);                                  // a short last block repeats its last query
                ends[i] = total - length + t + 1;
                starts[i] = Math.Min(window is int size ? Math.Max(padding, ends[i] - size) : padding, ends[i] - 1);   // a padding query sees itself
                low = Math.Min(low, starts[i]);
                high = Math.Max(high, ends[i]);
            }

            var rows = q + (t0 * headDim);
            Scores(rows, count, kt, w, low, high, total, headDim, scale);
            for (var i = 0; i < Block; i++) inverse[i] = Softmax(w + (i * total), low, starts[i], ends[i], high);
            Sum(w, total, v, y + (t0 * headDim), count, inverse, low, high, headDim);
        }
    }

    // Scores of the four queries for columns low .. high-1, eight columns per step; a column's score is
    // summed over the head in order (mul then add, never fused), so the scalar tail gives the same bits.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scores(float* rows, int count, float* kt, float* w, long low, long high, long total, int headDim, float scale)
    {
        float* q0 = rows, q1 = rows + (Math.Min(1, count - 1) * headDim), q2 = rows + (Math.Min(2, count - 1) * headDim), q3 = rows + (Math.Min(3, count - 1) * headDim);
        float* w0 = w, w1 = w + total, w2 = w + (2 * total), w3 = w + (3 * total);
        var factor = Vector256.Create(scale);
        var j = low;
        for (; j + 8 <= high; j += 8)
        {
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (var d = 0; d < headDim; d++)
            {
                var keys = Vector256.Load(kt + (d * total) + j);
                a0 += Vector256.Create(q0[d]) * keys;
                a1 += Vector256.Create(q1[d]) * keys;
                a2 += Vector256.Create(q2[d]) * keys;
                a3 += Vector256.Create(q3[d]) * keys;
            }

            (a0 * factor).Store(w0 + j);
            (a1 * factor).Store(w1 + j);
            (a2 * factor).Store(w2 + j);
            (a3 * factor).Store(w3 + j);
        }

        for (; j < high; j++)
        {
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (var d = 0; d < headDim; d++)
            {
                var key = kt[(d * total) + j];
                s0 += q0[d] * key;
                s1 += q1[d] * key;
                s2 += q2[d] * key;
                s3 += q3[d] * key;
            }

            (w0[j], w1[j], w2[j], w3[j]) = (s0 * scale, s1 * scale, s2 * scale, s3 * scale);
        }
    }

    // exp(score - max) over the query's own columns start .. end-1, zero on the block's other columns;
    // returns 1 / the sum of the exponentials.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Softmax(float* w, long low, long start, long end, long high)
    {
        var most = Vector256.Create(float.NegativeInfinity);
        var m = start;
        for (; m + 8 <= end; m += 8) most = Vector256.Max(most, Vector256.Load(w + m));
        var max = float.NegativeInfinity;
        for (var lane = 0; lane < 8; lane++) max = max > most.GetElement(lane) ? max : most.GetElement(lane);
        for (; m < end; m++) max = max > w[m] ? max : w[m];
        for (var j = low; j < start; j++) w[j] = 0;
        for (var j = end; j < high; j++) w[j] = 0;
        var top = Vector256.Create(max);
        var acc = Vector256<float>.Zero;
        var i = start;
        for (; i + 8 <= end; i += 8)
        {
            var e = AttentionExp.Of(Vector256.Load(w + i) - top);
            e.Store(w + i);
            acc += e;
        }

        var sum = Vector256.Sum(acc);
        for (; i < end; i++)
        {
            w[i] = AttentionExp.Of(w[i] - max);
            sum += w[i];
        }

        return 1f / sum;
    }

    // y_i = inverse_i * sum over columns low .. high-1 of w_i[j] * v_j, eight dimensions at a time, in
    // column order; the zero weights outside a query's columns add nothing.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Sum(float* w, long total, float* v, float* y, int count, float* inverse, long low, long high, int headDim)
    {
        float* w0 = w, w1 = w + total, w2 = w + (2 * total), w3 = w + (3 * total);
        for (var d = 0; d < headDim; d += 8)
        {
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (var j = low; j < high; j++)
            {
                var values = Vector256.Load(v + (j * headDim) + d);
                a0 += Vector256.Create(w0[j]) * values;
                a1 += Vector256.Create(w1[j]) * values;
                a2 += Vector256.Create(w2[j]) * values;
                a3 += Vector256.Create(w3[j]) * values;
            }

            (a0 * Vector256.Create(inverse[0])).Store(y + d);
            if (count > 1) (a1 * Vector256.Create(inverse[1])).Store(y + headDim + d);
            if (count > 2) (a2 * Vector256.Create(inverse[2])).Store(y + (2 * headDim) + d);
            if (count > 3) (a3 * Vector256.Create(inverse[3])).Store(y + (3 * headDim) + d);
        }
    }
}
