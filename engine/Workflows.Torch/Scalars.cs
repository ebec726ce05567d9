using System.Collections.Concurrent;
using TorchSharp;
using static TorchSharp.torch;

namespace Workflows.Torch;

/// <summary>
/// Number operands of tensor operations that stay alive while libtorch reads them. TorchSharp turns a
/// number in an operation (<c>x * 0.5</c>, <c>clamp_min(0)</c>, and the alpha of 1 that every
/// <c>x + y</c> passes) into a native Scalar that nothing references once its handle is read; a garbage
/// collection started by another thread during the native call then finalizes (frees) it while the op
/// still reads it, and the op fails ("Expected false to be true" from Scalar::toFloat, "Unknown scalar
/// type") or silently computes with whatever the freed memory holds. So this code never lets a number
/// convert implicitly: values fixed by code or configuration come from <see cref="Of(double)"/> (held for
/// the process), values that change per call (a learning rate, a length) from a <c>using</c> local of
/// <c>ToScalar()</c>, and tensor sums from <see cref="Plus(Tensor, Tensor)"/>. A test scans the compiled
/// code for any operation that would still create such a Scalar.
/// </summary>
public static class Scalars
{
    private static readonly ConcurrentDictionary<long, Scalar> Reals = new();
    private static readonly ConcurrentDictionary<long, Scalar> Integers = new();

    /// <summary>The integer 1, the alpha TorchSharp's <c>x + y</c> passes.</summary>
    public static Scalar One { get; } = Of(1L);

    /// <summary>A floating-point Scalar of <paramref name="value"/>, held for the life of the process (one per distinct
    /// value: for constants and configured values, not for values that change per call).</summary>
    public static Scalar Of(double value) => Reals.GetOrAdd(BitConverter.DoubleToInt64Bits(value), _ => value.ToScalar());

    /// <summary>An integer Scalar of <paramref name="value"/>, held for the life of the process (as <see cref="Of(double)"/>).</summary>
    public static Scalar Of(long value) => Integers.GetOrAdd(value, _ => value.ToScalar());

    /// <summary><c>a + b</c> with a held alpha (the same op as TorchSharp's operator).</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary><c>a + b</c> for a held <paramref name="b"/> and alpha (the same op as TorchSharp's operator).</summary>
    public static Tensor Plus(this Tensor a, Scalar b) => a.add(b, One);

    /// <summary><c>b - a</c> as TorchSharp computes a number minus a tensor (<c>-a + b</c>), with held operands.</summary>
    public static Tensor SubtractedFrom(this Tensor a, Scalar b) => a.negative().add(b, One);

    /// <summary><c>a += b</c> with a held alpha.</summary>
    public static Tensor PlusInPlace(this Tensor a, Tensor b) => a.add_(b, One);

    /// <summary><c>arange(start, stop)</c> with held start, stop and step (positions, lengths: values per call, so not cached).</summary>
    public static Tensor Range(long start, long stop, Device? device = null, ScalarType? dtype = null)
    {
        using var from = start.ToScalar();
        using var to = stop.ToScalar();
        return arange(from, to, One, dtype, device);
    }
}
