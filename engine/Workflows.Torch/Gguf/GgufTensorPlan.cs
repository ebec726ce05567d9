using System.Text.RegularExpressions;

namespace Workflows.Torch.Gguf;

/// <summary>
/// llama.cpp's names for a Llama's tensors, and the type each is stored as for a requested file
/// type, following llama.cpp's own rules (llama-quant.cpp): 1-D tensors stay f32; rows whose length
/// is not a multiple of 32 cannot be block-quantised and fall back to f16; in a 4-bit file the output
/// projection (the token embedding when tied) is kept at q8_0, since it matters most.
/// </summary>
public static partial class GgufTensorPlan
{
    /// <summary>The GGUF name of the HF parameter <paramref name="hfName"/>.</summary>
    /// <exception cref="InvalidOperationException">A parameter a plain Llama does not have.</exception>
    public static string Name(string hfName)
    {
        switch (hfName)
        {
            case "model.embed_tokens.weight": return "token_embd.weight";
            case "model.norm.weight": return "output_norm.weight";
            case "lm_head.weight": return "output.weight";
        }

        var match = Layer().Match(hfName);
        if (!match.Success) throw new InvalidOperationException($"parameter '{hfName}' has no GGUF name; merge adapters before writing GGUF");
        var part = match.Groups[2].Value switch
        {
            "input_layernorm" => "attn_norm",
            "self_attn.q_proj" => "attn_q",
            "self_attn.k_proj" => "attn_k",
            "self_attn.v_proj" => "attn_v",
            "self_attn.o_proj" => "attn_output",
            "post_attention_layernorm" => "ffn_norm",
            "mlp.gate_proj" => "ffn_gate",
            "mlp.up_proj" => "ffn_up",
            "mlp.down_proj" => "ffn_down",
            var other => throw new InvalidOperationException($"parameter '{hfName}' ({other}) has no GGUF name; merge adapters before writing GGUF"),
        };
        return $"blk.{match.Groups[1].Value}.{part}.weight";
    }

    /// <summary>The type tensor <paramref name="name"/> of <paramref name="shape"/> (PyTorch order) is stored as.</summary>
    public static GgufTensorType TypeFor(string name, long[] shape, GgufTensorType requested, bool tied)
    {
        if (shape.Length < 2) return GgufTensorType.F32;
        var type = requested;
        if (type == GgufTensorType.Q4_0 && (name == "output.weight" || (tied && name == "token_embd.weight"))) type = GgufTensorType.Q8_0;
        return GgufQuantizer.Fits(type, shape[^1]) ? type : GgufTensorType.F16;
    }

    /// <summary>llama.cpp's <c>llama_ftype</c> for a file of mostly <paramref name="type"/>.</summary>
    public static uint FileType(GgufTensorType type) => type switch
    {
        GgufTensorType.F32 => 0,
        GgufTensorType.F16 => 1,
        GgufTensorType.Q4_0 => 2,
        GgufTensorType.Q8_0 => 7,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    [GeneratedRegex(@"^model\.layers\.(\d+)\.(.+)\.weight$")]
    private static partial Regex Layer();
}
