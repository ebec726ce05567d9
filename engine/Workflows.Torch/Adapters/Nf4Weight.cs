using TorchSharp;
using static TorchSharp.torch;

namespace Workflows.Torch.Adapters;

/// <summary>
/// A weight matrix stored as NF4: two 4-bit codes per byte, one absmax per block of
/// <see cref="Nf4Options.BlockSize"/> weights, and with double quantisation the absmaxes themselves
/// stored as 8-bit codes around their mean (one float32 scale per <see cref="Nf4Options.DoubleQuantBlockSize"/>).
/// </summary>
/// <remarks>
/// bitsandbytes quantises the absmaxes with its 8-bit dynamic map; a linear int8 grid around the
/// mean costs the same bits and keeps the code readable. The 4-bit codes match bitsandbytes exactly.
/// </remarks>
public sealed class Nf4Weight : IDisposable
{
    private Nf4Weight(long[] shape, int blockSize, Tensor packed, Tensor absmax, Tensor? absmaxScales, float absmaxOffset, int absmaxGroup = 0)
    {
        Shape = shape;
        BlockSize = blockSize;
        AbsmaxGroup = absmaxGroup;
        Packed = packed;
        Absmax = absmax;
        AbsmaxScales = absmaxScales;
        AbsmaxOffset = absmaxOffset;
    }

    /// <summary>Shape of the full-precision weight.</summary>
    public long[] Shape { get; }

    /// <summary>Weights per absmax block.</summary>
    public int BlockSize { get; }

    /// <summary>Double quantisation: absmaxes per scale (0 without it).</summary>
    public int AbsmaxGroup { get; }

    /// <summary>Codes, two per byte (first in the high nibble): uint8, one byte per two weights.</summary>
    public Tensor Packed { get; }

    /// <summary>Per-block absmax: float32, or uint8 codes when <see cref="AbsmaxScales"/> is set.</summary>
    public Tensor Absmax { get; }

    /// <summary>Double quantisation: float32 scale of each group of absmax codes; null without it.</summary>
    public Tensor? AbsmaxScales { get; }

    /// <summary>Double quantisation: the mean subtracted from the absmaxes before coding.</summary>
    public float AbsmaxOffset { get; }

    /// <summary>Number of weights.</summary>
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Bits of storage per weight, everything included (codes, absmaxes, scales, offset).</summary>
    public double BitsPerParameter =>
        8.0 * (Packed.numel() + (Absmax.numel() * Absmax.ElementSize) + ((AbsmaxScales?.numel() ?? 0) * 4) + (AbsmaxScales is null ? 0 : 4)) / Count;

    /// <summary>Quantises <paramref name="weight"/> (any float dtype) to NF4.</summary>
    public static Nf4Weight Quantise(Tensor weight, Nf4Options options)
    {
        if (options.BlockSize < 2 || options.BlockSize % 2 != 0) throw new ArgumentException($"NF4 block size must be an even number ≥ 2, got {options.BlockSize}");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var device = weight.device;
        var blocks = Blocks(weight.detach().to_type(ScalarType.Float32).flatten(), options.BlockSize);        // (nb, bs)
        var absmax = blocks.abs().amax([1L]);                                                                // (nb)
        var normalised = blocks / absmax.clamp_min(Scalars.Of((double)float.Epsilon)).unsqueeze(1);                              // (nb, bs) in [-1, 1]
        var codes = bucketize(normalised, Nf4Codebook.Boundaries(device)).view(-1, 2);                         // (n/2, 2) int64
        var packed = (codes[.., 0] * Scalars.Of(16L)).Plus(codes[.., 1]).to_type(ScalarType.Byte);                          // (n/2)
        if (!options.DoubleQuant)
        {
            return new Nf4Weight(weight.shape, options.BlockSize, scope.MoveToOuter(packed), scope.MoveToOuter(absmax), null, 0f);
        }

        var offset = absmax.mean().item<float>();
        using var offsetScalar = offset.ToScalar();                                                             // per weight: not held for the process
        var groups = Blocks(absmax - offsetScalar, options.DoubleQuantBlockSize);                                    // (ng, dbs)
        var scales = groups.abs().amax([1L]) / Scalars.Of((double)127f);                                                         // (ng)
        var absmaxCodes = (groups / scales.clamp_min(Scalars.Of((double)float.Epsilon)).unsqueeze(1)).round().Plus(Scalars.Of(128L));             // (ng, dbs) in 1..255
        var stored = absmaxCodes.flatten()[..(int)absmax.numel()].to_type(ScalarType.Byte);
        return new Nf4Weight(weight.shape, options.BlockSize, scope.MoveToOuter(packed), scope.MoveToOuter(stored), scope.MoveToOuter(scales), offset, options.DoubleQuantBlockSize);
    }

    /// <summary>The absmax of each block as used by dequantisation (after double quantisation, if any).</summary>
    public Tensor BlockAbsmax()
    {
        if (AbsmaxScales is null) return Absmax.alias();
        using var scope = NewDisposeScope();
        using var offset = AbsmaxOffset.ToScalar();                                                         // per weight: not held for the process
        var padded = Blocks(Absmax.to_type(ScalarType.Float32) - Scalars.Of(128L), AbsmaxGroup);                        // (ng, dbs)
        var values = (padded * AbsmaxScales.unsqueeze(1)).flatten()[..(int)Absmax.numel()].Plus(offset);
        return scope.MoveToOuter(values);
    }

    /// <summary>The weight in <paramref name="dtype"/>, shaped as the original.</summary>
    public Tensor Dequantise(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var bytes = Packed.to_type(ScalarType.Int64);                                                        // (n/2)
        var codes = stack([bytes.div(Scalars.Of(16L), RoundingMode.floor), bytes.remainder(Scalars.Of(16L))], 1).view(-1, BlockSize);   // (nb, bs)
        var levels = Nf4Codebook.AsTensor(Packed.device);
        var values = levels.index_select(0, codes.flatten()).view(-1, BlockSize) * BlockAbsmax().unsqueeze(1); // (nb, bs)
        return scope.MoveToOuter(values.flatten()[..(int)Count].view(Shape).to_type(dtype));
    }

    /// <summary>Moves the stored tensors to <paramref name="device"/>.</summary>
    public Nf4Weight To(Device device) => new(Shape, BlockSize, Packed.to(device), Absmax.to(device), AbsmaxScales?.to(device), AbsmaxOffset, AbsmaxGroup);

    public void Dispose()
    {
        Packed.Dispose();
        Absmax.Dispose();
        AbsmaxScales?.Dispose();
    }

    // A flat tensor zero-padded to whole blocks, viewed as (blocks, size).
    private static Tensor Blocks(Tensor flat, int size)
    {
        var padding = (size - (flat.numel() % size)) % size;
        var padded = padding == 0 ? flat : cat([flat, zeros(padding, dtype: flat.dtype, device: flat.device)]);
        return padded.view(-1, size);
    }
}
