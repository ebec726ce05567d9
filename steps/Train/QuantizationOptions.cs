using System.ComponentModel.DataAnnotations;

namespace Workflows.Steps.Train;

/// <summary>NF4 storage of the frozen base for <c>method: qlora</c> (YAML <c>quantization:</c>).</summary>
public sealed record QuantizationOptions
{
    /// <summary>Weights per absmax block. Default 64; range 16 to 4096 (even).</summary>
    [Range(16, 4096)]
    public int BlockSize { get; init; } = 64;

    /// <summary>Quantise the absmaxes to 8 bits in groups of 256 (4.13 instead of 4.5 bits per weight). Default true.</summary>
    public bool DoubleQuant { get; init; } = true;

    /// <summary>Dtype the weights are dequantised to for each matmul. Default bfloat16.</summary>
    public TrainDtype ComputeDtype { get; init; } = TrainDtype.Bfloat16;
}
