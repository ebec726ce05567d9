using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Workflows.Torch.Adapters;

/// <summary>
/// How the NF4 base an adapter was trained on is written in <c>adapter_config.json</c>
/// (<c>base_model_quantization</c>): quant type, block size, double quantisation and its block size,
/// compute dtype. PEFT has no such field and ignores it; evaluate, guard and merge rebuild exactly
/// that base from it.
/// </summary>
public static class Nf4Record
{
    /// <summary>The key in <c>adapter_config.json</c>.</summary>
    public const string Key = "base_model_quantization";

    /// <summary>The only quant type written and accepted.</summary>
    public const string QuantType = "nf4";

    /// <summary>The record of <paramref name="options"/> as JSON.</summary>
    public static JsonObject ToJson(Nf4Options options) => new()
    {
        ["quant_type"] = QuantType,
        ["block_size"] = options.BlockSize,
        ["double_quant"] = options.DoubleQuant,
        ["double_quant_block_size"] = options.DoubleQuantBlockSize,
        ["compute_dtype"] = DtypeName(options.ComputeDtype),
    };

    /// <summary>Reads a record written by <see cref="ToJson"/>.</summary>
    /// <exception cref="AdapterConfigException">A field is missing or not understood; the message names it.</exception>
    public static Nf4Options FromJson(JsonObject json, string path)
    {
        var quantType = json["quant_type"]?.GetValue<string>();
        if (quantType != QuantType) throw new AdapterConfigException($"{path}: {Key}.quant_type is '{quantType}'; only {QuantType} bases can be rebuilt");
        var blockSize = json["block_size"]?.GetValue<int>() ?? throw Missing(path, "block_size");
        if (blockSize < 2 || blockSize % 2 != 0) throw new AdapterConfigException($"{path}: {Key}.block_size must be an even number ≥ 2, got {blockSize}");
        var doubleQuant = json["double_quant"]?.GetValue<bool>() ?? throw Missing(path, "double_quant");
        var dtype = json["compute_dtype"]?.GetValue<string>() ?? throw Missing(path, "compute_dtype");
        return new Nf4Options
        {
            BlockSize = blockSize,
            DoubleQuant = doubleQuant,
            DoubleQuantBlockSize = json["double_quant_block_size"]?.GetValue<int>() ?? new Nf4Options().DoubleQuantBlockSize,
            ComputeDtype = dtype switch
            {
                "bfloat16" => ScalarType.BFloat16,
                "float16" => ScalarType.Float16,
                "float32" => ScalarType.Float32,
                _ => throw new AdapterConfigException($"{path}: {Key}.compute_dtype '{dtype}' is not one of bfloat16, float16, float32"),
            },
        };
    }

    /// <summary>One line for logs and reports, e.g. <c>NF4, block 64, double quantisation, compute bfloat16</c>.</summary>
    public static string Describe(Nf4Options options) =>
        $"NF4, block {options.BlockSize}, {(options.DoubleQuant ? "double quantisation" : "no double quantisation")}, compute {DtypeName(options.ComputeDtype)}";

    private static string DtypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Float16 => "float16",
        _ => "float32",
    };

    private static AdapterConfigException Missing(string path, string field) => new($"{path}: {Key}.{field} is missing");
}
