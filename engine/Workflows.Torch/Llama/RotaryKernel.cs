using System.Runtime.Intrinsics;
using static TorchSharp.torch;

namespace Workflows.Torch.Llama;

/// <summary>
/// Rotary position embedding in one pass, for float32 on the CPU when no gradient flows through it (generation,
/// scoring): q or k as the projection wrote it, (B, T, heads, hs), to the rotated (B, heads, T, hs). Each element is
/// <c>x·cos + (±x')·sin</c> with the product and the sum rounded to float one at a time, exactly as libtorch's separate
/// multiply, negate, concatenate, multiply and add kernels round them, so it has their bits
/// (<c>RotaryKernelTests</c>) while writing one tensor instead of five and skipping the transposed copy.
/// </summary>
internal static unsafe class RotaryKernel
{
    /// <summary>Whether <see cref="Apply"/> takes <paramref name="x"/> (B, T, heads, hs) with these tables: float32 on the CPU,
    /// no gradient, contiguous, even head size, tables (T, hs) or (B, 1, T, hs) and contiguous.</summary>
    public static bool Supports(Tensor x, Tensor cos, Tensor sin) =>
        x.device_type == TorchSharp.DeviceType.CPU && x.dtype == ScalarType.Float32 && cos.dtype == ScalarType.Float32 && sin.dtype == ScalarType.Float32
        && !x.requires_grad && x.dim() == 4 && x.is_contiguous() && x.shape[3] % 2 == 0
        && cos.is_contiguous() && sin.is_contiguous() && cos.shape.SequenceEqual(sin.shape)
        && ((cos.dim() == 2 && cos.shape[0] == x.shape[1] && cos.shape[1] == x.shape[3])
            || (cos.dim() == 4 && cos.shape[0] == x.shape[0] && cos.shape[1] == 1 && cos.shape[2] == x.shape[1] && cos.shape[3] == x.shape[3]));

    /// <summary>The rotated <paramref name="x"/> (B, T, heads, hs) as a new contiguous (B, heads, T, hs) tensor.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        var (batch, length, heads, dim) = (x.shape[0], x.shape[1], x.shape[2], (int)x.shape[3]);
        var perRow = cos.dim() == 4;
        var half = dim / 2;
        var output = empty([batch, heads, length, dim], ScalarType.Float32);
        fixed (byte* xBytes = x.bytes, cBytes = cos.bytes, sBytes = sin.bytes, yBytes = output.bytes)
        {
            float* xs = (float*)xBytes, cs = (float*)cBytes, ss = (float*)sBytes, ys = (float*)yBytes;
            for (var b = 0L; b < batch; b++)
            {
                for (var t = 0L; t < length; t++)
                {
                    var table = ((perRow ? b * length : 0) + t) * dim;
                    for (var h = 0L; h < heads; h++)
                    {
                        Row(xs + ((((b * length) + t) * heads) + h) * dim, cs + table, ss + table, ys + ((((b * heads) + h) * length) + t) * dim, half);
                    }
                }
            }
        }

        return output;
    }

    // y[j] = x[j]·c[j] + (−x[j + half])·s[j] for the first half, x[j]·c[j] + x[j − half]·s[j] for the second.
    private static void Row(float* x, float* c, float* s, float* y, int half)
    {
        var j = 0;
        for (; j + 4 <= half; j += 4)
        {
            var (first, second) = (Vector128.Load(x + j), Vector128.Load(x + half + j));
            ((first * Vector128.Load(c + j)) + (-second * Vector128.Load(s + j))).Store(y + j);
            ((second * Vector128.Load(c + half + j)) + (first * Vector128.Load(s + half + j))).Store(y + half + j);
        }

        for (; j < half; j++)
        {
            var (first, second) = (x[j], x[half + j]);
            y[j] = (first * c[j]) + (-second * s[j]);
            y[half + j] = (second * c[half + j]) + (first * s[half + j]);
        }
    }
}
