namespace Workflows.Torch.Gguf;

/// <summary>The metadata value types of GGUF (<c>gguf_type</c> in ggml's gguf.h); the file stores the number.</summary>
internal enum GgufValueType : uint
{
    UInt32 = 4,
    Int32 = 5,
    Float32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
}
