using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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

    /// <summary>Floats past the end of a score row and of a row of transposed keys that the kernels may read and
    /// write: the last, partial group of eight columns is computed whole and its extra lanes are masked.</summary>
    public const int Slack = 8;

    /// <summary>Floats per score row (the buffer holds <see cref="Block"/> rows) and per row of transposed keys, for <paramref name="total"/>
    /// columns: at least total + <see cref="Slack"/>, and an odd number of 64-byte lines.</summary>
    public static long Stride(long total)
    {
        var lines = (total + Slack + 15) / 16;                                   // 64-byte cache lines
        return 16 * (lines % 2 == 0 ? lines + 1 : lines);                        // an odd number of lines: rows spread over the cache sets
    }

    /// <summary>
    /// Writes keys <paramref name="k"/> (<paramref name="total"/> × <paramref name="headDim"/>, row-major) into
    /// <paramref name="kt"/> as <paramref name="headDim"/> rows of <see cref="Stride"/> floats, the first
    /// <paramref name="total"/> of each the keys' column. Rows an odd number of cache lines apart never share
    /// cache sets: at 1,024 keys, rows exactly 4 KiB apart did, and the scores ran at half speed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose(float* k, float* kt, long total, int headDim)
    {
        var stride = Stride(total);
        for (var j = 0L; j < total; j++)
        {
            for (var d = 0; d < headDim; d++) kt[(d * stride) + j] = k[(j * headDim) + d];
        }
    }

    /// <summary>
    /// Attention of one query head's <paramref name="length"/> newest tokens: query t (rows of
    /// <paramref name="q"/>, written to the same rows of <paramref name="y"/>) sits at column total − length + t
    /// and attends from column <paramref name="padding"/> (or the last <paramref name="window"/> columns)
    /// up to its own; a query on the padding sees only itself. <paramref name="kt"/> holds the transposed keys (<see cref="Transpose"/>), <paramref name="v"/>
    /// the values (total × headDim), <paramref name="w"/> room for <see cref="Block"/> rows of <see cref="Stride"/> scores.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Head(float* q, float* kt, float* v, float* y, float* w, long padding, long total, long length, int? window, int headDim, float scale)
    {
        var starts = stackalloc long[Block];
        var ends = stackalloc long[Block];
        var inverse = stackalloc float[Block];
        var stride = Stride(total);
        for (var t0 = 0L; t0 < length; t0 += Block)
        {
            var count = (int)Math.Min(Block, length - t0);
            long low = long.MaxValue, high = 0;
            for (var i = 0; i < Block; i++)
            {
                // A short last block repeats its last query.
                (starts[i], ends[i]) = DecodeAttention.Columns(total, length, t0 + Math.Min(i, count - 1), padding, window);
                low = Math.Min(low, starts[i]);
                high = Math.Max(high, ends[i]);
            }

            var rows = q + (t0 * headDim);
            Scores(rows, count, kt, w, low, high, total, headDim, scale);
            for (var i = 0; i < Block; i++) inverse[i] = Softmax(w + (i * stride), low, starts[i], ends[i], high);
            Sum(w, stride, v, y + (t0 * headDim), count, inverse, low, high, headDim);
        }
    }

    // Scores of the four queries for columns low .. high-1, eight columns per step; the last step may run
    // past high into the slack, where nothing reads its scores. A column's score sums the head in order.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scores(float* rows, int count, float* kt, float* w, long low, long high, long total, int headDim, float scale)
    {
        float* q0 = rows, q1 = rows + (Math.Min(1, count - 1) * headDim), q2 = rows + (Math.Min(2, count - 1) * headDim), q3 = rows + (Math.Min(3, count - 1) * headDim);
        var stride = Stride(total);
        float* w0 = w, w1 = w + stride, w2 = w + (2 * stride), w3 = w + (3 * stride);
        var factor = Vector256.Create(scale);
        for (var j = low; j < high; j += 8)
        {
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (var d = 0; d < headDim; d++)
            {
                var keys = Vector256.Load(kt + (d * stride) + j);
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
    }

    // exp(score - max) over the query's own columns start .. end-1, zero on the block's other columns;
    // returns 1 / the sum of the exponentials. The last group of eight is computed whole, its lanes at or
    // past end masked out (they lie in the block's zeroed columns or the row's slack).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Softmax(float* w, long low, long start, long end, long high)
    {
        var most = Vector256.Create(float.NegativeInfinity);
        for (var m = start; m < end; m += 8)
        {
            most = Avx.Max(most, Vector256.ConditionalSelect(Within(end - m), Vector256.Load(w + m), Vector256.Create(float.NegativeInfinity)));
        }

        var max = float.NegativeInfinity;
        for (var lane = 0; lane < 8; lane++) max = max > most.GetElement(lane) ? max : most.GetElement(lane);
        for (var j = low; j < start; j++) w[j] = 0;
        for (var j = end; j < high; j++) w[j] = 0;
        var top = Vector256.Create(max);
        var acc = Vector256<float>.Zero;
        for (var i = start; i < end; i += 8)
        {
            var e = Vector256.ConditionalSelect(Within(end - i), AttentionExp.Of(Vector256.Load(w + i) - top), Vector256<float>.Zero);
            e.Store(w + i);
            acc += e;
        }

        return 1f / Vector256.Sum(acc);
    }

    // Lanes 0 .. left-1 set (all eight when left >= 8).
    private static Vector256<float> Within(long left) =>
        Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create((int)Math.Min(left, 8))).AsSingle();

    // y_i = inverse_i * sum over columns low .. high-1 of w_i[j] * v_j, eight dimensions at a time, in
    // column order; the zero weights outside a query's columns add nothing.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Sum(float* w, long stride, float* v, float* y, int count, float* inverse, long low, long high, int headDim)
    {
        float* w0 = w, w1 = w + stride, w2 = w + (2 * stride), w3 = w + (3 * stride);
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
