using static TorchSharp.torch;

namespace Workflows.Torch.Adapters;

/// <summary>How QLoRA stores the frozen base weights: 4-bit NormalFloat blocks as bitsandbytes' NF4.</summary>
public sealed record Nf4Options
{
    /// <summary>Weights per block sharing one absmax. Default 64 (as bitsandbytes); an even number ≥ 2.</summary>
    public int BlockSize { get; init; } = 64;

    /// <summary>Quantise the per-block absmax to 8 bits in blocks of <see cref="DoubleQuantBlockSize"/>
    /// (QLoRA's double quantisation): 4.13 instead of 4.5 bits per weight. Default true.</summary>
    public bool DoubleQuant { get; init; } = true;

    /// <summary>Absmax values per 8-bit block under double quantisation. Default 256 (as bitsandbytes).</summary>
    public int DoubleQuantBlockSize { get; init; } = 256;

    /// <summary>Dtype the weights are dequantised to for the matmul. Default bfloat16.</summary>
    public ScalarType ComputeDtype { get; init; } = ScalarType.BFloat16;
}
