using TorchSharp;

namespace Workflows.Torch.Checkpoints;

/// <summary>Element sizes and torch types of <see cref="SafetensorsDtype"/>.</summary>
public static class SafetensorsDtypes
{
    /// <summary>Bytes per element.</summary>
    public static int ElementSize(this SafetensorsDtype dtype) => dtype switch
    {
        SafetensorsDtype.F64 or SafetensorsDtype.I64 => 8,
        SafetensorsDtype.F32 or SafetensorsDtype.I32 => 4,
        SafetensorsDtype.BF16 or SafetensorsDtype.F16 or SafetensorsDtype.I16 => 2,
        _ => 1,
    };

    /// <summary>The matching torch scalar type.</summary>
    public static torch.ScalarType ToScalarType(this SafetensorsDtype dtype) => dtype switch
    {
        SafetensorsDtype.F32 => torch.ScalarType.Float32,
        SafetensorsDtype.BF16 => torch.ScalarType.BFloat16,
        SafetensorsDtype.F16 => torch.ScalarType.Float16,
        SafetensorsDtype.F64 => torch.ScalarType.Float64,
        SafetensorsDtype.I64 => torch.ScalarType.Int64,
        SafetensorsDtype.I32 => torch.ScalarType.Int32,
        SafetensorsDtype.I16 => torch.ScalarType.Int16,
        SafetensorsDtype.I8 => torch.ScalarType.Int8,
        SafetensorsDtype.U8 => torch.ScalarType.Byte,
        SafetensorsDtype.BOOL => torch.ScalarType.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    /// <summary>The safetensors dtype of a torch scalar type; null when safetensors has none we write.</summary>
    public static SafetensorsDtype? FromScalarType(torch.ScalarType type) => type switch
    {
        torch.ScalarType.Float32 => SafetensorsDtype.F32,
        torch.ScalarType.BFloat16 => SafetensorsDtype.BF16,
        torch.ScalarType.Float16 => SafetensorsDtype.F16,
        torch.ScalarType.Float64 => SafetensorsDtype.F64,
        torch.ScalarType.Int64 => SafetensorsDtype.I64,
        torch.ScalarType.Int32 => SafetensorsDtype.I32,
        torch.ScalarType.Int16 => SafetensorsDtype.I16,
        torch.ScalarType.Int8 => SafetensorsDtype.I8,
        torch.ScalarType.Byte => SafetensorsDtype.U8,
        torch.ScalarType.Bool => SafetensorsDtype.BOOL,
        _ => null,
    };
}
