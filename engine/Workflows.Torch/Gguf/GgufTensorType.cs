namespace Workflows.Torch.Gguf;

/// <summary>
/// The tensor types a GGUF file written here may hold. Values are ggml's <c>ggml_type</c> numbers
/// (ggml.h), which is what the file stores.
/// </summary>
public enum GgufTensorType
{
    /// <summary>32-bit float, 4 bytes per value.</summary>
    F32 = 0,
    /// <summary>IEEE half, 2 bytes per value.</summary>
    F16 = 1,
    /// <summary>Blocks of 32 values: an f16 scale and 32 4-bit codes (18 bytes, 4.5 bits per value).</summary>
    Q4_0 = 2,
    /// <summary>Blocks of 32 values: an f16 scale and 32 int8 codes (34 bytes, 8.5 bits per value).</summary>
    Q8_0 = 8,
}
