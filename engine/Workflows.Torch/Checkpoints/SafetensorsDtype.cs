namespace Workflows.Torch.Checkpoints;

/// <summary>The element types this reader understands, named as in the safetensors header.</summary>
public enum SafetensorsDtype
{
    /// <summary>32-bit IEEE float.</summary>
    F32,

    /// <summary>bfloat16.</summary>
    BF16,

    /// <summary>16-bit IEEE float.</summary>
    F16,

    /// <summary>64-bit IEEE float.</summary>
    F64,

    /// <summary>64-bit signed integer.</summary>
    I64,

    /// <summary>32-bit signed integer.</summary>
    I32,

    /// <summary>16-bit signed integer.</summary>
    I16,

    /// <summary>8-bit signed integer.</summary>
    I8,

    /// <summary>8-bit unsigned integer.</summary>
    U8,

    /// <summary>Boolean stored as one byte.</summary>
    BOOL,
}

