namespace Workflows.Steps.Package;

/// <summary>The dtype floating-point weights are stored in.</summary>
public enum PackageDtype
{
    /// <summary>32-bit float: exact copy of a float32 model.</summary>
    Fp32,
    /// <summary>bfloat16: half the size, float32's range, 8 bits of mantissa.</summary>
    Bf16,
    /// <summary>float16: half the size, 11 bits of mantissa, range ±65504.</summary>
    Fp16,
}
