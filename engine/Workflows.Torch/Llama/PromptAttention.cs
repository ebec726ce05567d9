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
            Softmax(w, stride, count, low, starts, ends, high, inverse);
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

    // For each of the first count rows of w (the others repeat the last query and are never read): exp(score - max) over the query's own columns start .. end-1, zero on the
    // block's other columns, and 1 / the sum of the exponentials into inverse. The last group of eight is computed
    // whole, its lanes at or past end masked out (they lie in the block's zeroed columns or the row's slack). The
    // rows go through the loops side by side only so that their exponentials overlap in the pipeline: a row's
    // groups of eight still start at its own start and are summed in that order, as if it were alone.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Softmax(float* w, long stride, int count, long low, long* starts, long* ends, long high, float* inverse)
    {
        float* w0 = w, w1 = w + stride, w2 = w + (2 * stride), w3 = w + (3 * stride);
        var (s0, s1, s2, s3) = (starts[0], starts[1], starts[2], starts[3]);
        // A row past count gets no columns, so the loops below skip it.
        var (e0, e1, e2, e3) = (ends[0], count > 1 ? ends[1] : s1, count > 2 ? ends[2] : s2, count > 3 ? ends[3] : s3);
        var widest = Math.Max(Math.Max(e0 - s0, e1 - s1), Math.Max(e2 - s2, e3 - s3));
        var lowest = Vector256.Create(float.NegativeInfinity);
        Vector256<float> m0 = lowest, m1 = lowest, m2 = lowest, m3 = lowest;
        for (var k = 0L; k < widest; k += 8)
        {
            if (s0 + k < e0) m0 = Avx.Max(m0, Vector256.ConditionalSelect(Within(e0 - s0 - k), Vector256.Load(w0 + s0 + k), lowest));
            if (s1 + k < e1) m1 = Avx.Max(m1, Vector256.ConditionalSelect(Within(e1 - s1 - k), Vector256.Load(w1 + s1 + k), lowest));
            if (s2 + k < e2) m2 = Avx.Max(m2, Vector256.ConditionalSelect(Within(e2 - s2 - k), Vector256.Load(w2 + s2 + k), lowest));
            if (s3 + k < e3) m3 = Avx.Max(m3, Vector256.ConditionalSelect(Within(e3 - s3 - k), Vector256.Load(w3 + s3 + k), lowest));
        }

        for (var i = 0; i < count; i++)
        {
            var row = w + (i * stride);
            for (var j = low; j < starts[i]; j++) row[j] = 0;
            for (var j = ends[i]; j < high; j++) row[j] = 0;
        }

        Vector256<float> t0 = Broadcast(Largest(m0)), t1 = Broadcast(Largest(m1)), t2 = Broadcast(Largest(m2)), t3 = Broadcast(Largest(m3));
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        for (var k = 0L; k < widest; k += 8)
        {
            if (s0 + k < e0) a0 += Exponentials(w0 + s0 + k, e0 - s0 - k, t0);
            if (s1 + k < e1) a1 += Exponentials(w1 + s1 + k, e1 - s1 - k, t1);
            if (s2 + k < e2) a2 += Exponentials(w2 + s2 + k, e2 - s2 - k, t2);
            if (s3 + k < e3) a3 += Exponentials(w3 + s3 + k, e3 - s3 - k, t3);
        }

        (inverse[0], inverse[1], inverse[2], inverse[3]) = (1f / Vector256.Sum(a0), 1f / Vector256.Sum(a1), 1f / Vector256.Sum(a2), 1f / Vector256.Sum(a3));
    }

    // exp(x - top) of the eight scores at w, stored back, lanes at or past left zero; returns them.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Exponentials(float* w, long left, Vector256<float> top)
    {
        var e = Vector256.ConditionalSelect(Within(left), AttentionExp.Of(Vector256.Load(w) - top), Vector256<float>.Zero);
        e.Store(w);
        return e;
    }

    // The largest lane (exact, so the order of comparison does not matter for finite scores).
    private static float Largest(Vector256<float> v)
    {
        var m = Avx.Max(v, Avx.Permute2x128(v, v, 1));
        m = Avx.Max(m, Avx.Permute(m, 0b01001110));
        return Avx.Max(m, Avx.Permute(m, 0b10110001)).ToScalar();
    }

    private static Vector256<float> Broadcast(float value) => Vector256.Create(value);

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
