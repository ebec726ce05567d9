using System.ComponentModel.DataAnnotations;

namespace Workflows.Steps.Train;

/// <summary>The low-rank adapter (YAML <c>lora:</c>).</summary>
public sealed record LoraOptions
{
    /// <summary>Rank r. Default 8; range 1 to 512, and at most min(in, out) of every target layer.</summary>
    [Range(1, 512)]
    public int Rank { get; init; } = 8;

    /// <summary>Alpha; the update is scaled by alpha / r (alpha / √r with <c>use_rslora</c>). Default 16; range 0 to 4096.</summary>
    [Range(0.0, 4096.0)]
    public double Alpha { get; init; } = 16;

    /// <summary>Dropout on the adapter input while training. Default 0.05; range 0 to 0.9.</summary>
    [Range(0.0, 0.9)]
    public double Dropout { get; init; } = 0.05;

    /// <summary>Layers to adapt: names (<c>q_proj</c>), full paths (<c>model.layers.0.self_attn.q_proj</c>)
    /// or regular expressions over full paths. Default [q_proj, k_proj, v_proj, o_proj].</summary>
    public List<string> TargetModules { get; init; } = ["q_proj", "k_proj", "v_proj", "o_proj"];

    /// <summary>Rank-stabilised scaling alpha / √r. Default false.</summary>
    public bool UseRslora { get; init; }
}
