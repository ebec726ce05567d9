using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Workflows.Torch.Llama;

/// <summary>
/// exp of attention scores minus their maximum (so x ≤ 0) for the CPU attention kernels, in float32 only:
/// Cephes' expf (x = n·ln 2 + r with |r| ≤ ln 2 / 2, e^r by its degree-5 polynomial, 2^n written into the
/// exponent), within 2 ulp of the true value. <see cref="Vector256.Exp(Vector256{float})"/> widens to
/// double and cost a third of a prompt's attention. The scalar form runs the same operations in the same
/// order (multiplications and additions never fused), so a lane and the scalar tail give the same bits.
/// Below −87.3, where e^x leaves float's normal range, the result is 0.
/// </summary>
internal static class AttentionExp
{
    private const float Lowest = -87.33654f;
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2High = 0.693359375f;
    private const float Ln2Low = -2.12194440e-4f;
    private const float P0 = 1.9875691500E-4f, P1 = 1.3981999507E-3f, P2 = 8.3334519073E-3f;
    private const float P3 = 4.1665795894E-2f, P4 = 1.6666665459E-1f, P5 = 5.0000001201E-1f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Of(Vector256<float> x)
    {
        var n = Vector256.Floor((x * Vector256.Create(Log2E)) + Vector256.Create(0.5f));
        var r = x - (n * Vector256.Create(Ln2High));
        r -= n * Vector256.Create(Ln2Low);
        var p = (Vector256.Create(P0) * r) + Vector256.Create(P1);
        p = (p * r) + Vector256.Create(P2);
        p = (p * r) + Vector256.Create(P3);
        p = (p * r) + Vector256.Create(P4);
        p = (p * r) + Vector256.Create(P5);
        var y = (p * (r * r)) + r + Vector256<float>.One;
        var power = Vector256.ShiftLeft(Vector256.ConvertToInt32Native(n) + Vector256.Create(127), 23).AsSingle();
        return Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(Lowest)), Vector256<float>.Zero, y * power);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Of(float x)
    {
        if (x < Lowest) return 0f;
        var n = MathF.Floor((x * Log2E) + 0.5f);
        var r = x - (n * Ln2High);
        r -= n * Ln2Low;
        var p = (P0 * r) + P1;
        p = (p * r) + P2;
        p = (p * r) + P3;
        p = (p * r) + P4;
        p = (p * r) + P5;
        var y = (p * (r * r)) + r + 1f;
        return y * BitConverter.Int32BitsToSingle(((int)n + 127) << 23);
    }
}
