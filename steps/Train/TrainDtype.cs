namespace Workflows.Steps.Train;

/// <summary>Floating-point type of weights or of a computation.</summary>
public enum TrainDtype
{
    /// <summary>32-bit IEEE float.</summary>
    Float32,
    /// <summary>bfloat16: float32's range with 8 bits of mantissa (fast on CPUs with AVX-512 BF16 and on GPUs).</summary>
    Bfloat16,
}
