using static TorchSharp.torch;

namespace Workflows.Torch.Engine;

/// <summary>Parses dtype names used in workflows and on the command line.</summary>
public static class ModelDtypes
{
    /// <summary><c>float32|fp32</c>, <c>bfloat16|bf16</c>, <c>float16|fp16</c> to a scalar type.</summary>
    /// <exception cref="ArgumentException">Any other name.</exception>
    public static ScalarType Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "float32" or "fp32" or "f32" => ScalarType.Float32,
        "bfloat16" or "bf16" => ScalarType.BFloat16,
        "float16" or "fp16" or "f16" => ScalarType.Float16,
        _ => throw new ArgumentException($"dtype '{name}' is not supported; use float32, bfloat16 or float16"),
    };
}
