namespace Workflows.Torch.Adapters;

/// <summary>
/// What an adapter adds to a model: LoRA (<c>W x + s·B A dropout(x)</c>), optionally with DoRA's
/// magnitude vector. QLoRA is not a different adapter but a different base: see <see cref="Nf4Options"/>.
/// Field meanings match PEFT's <c>LoraConfig</c>, so the record maps 1:1 onto <c>adapter_config.json</c>.
/// </summary>
public sealed record LoraConfig
{
    /// <summary>Rank r of A (r × in) and B (out × r). Default 8; 1 to min(in, out) of every target.</summary>
    public int Rank { get; init; } = 8;

    /// <summary>LoRA alpha; the update is scaled by alpha / r (or alpha / √r with rsLoRA). Default 16.</summary>
    public double Alpha { get; init; } = 16;

    /// <summary>Dropout on the adapter's input during training. Default 0; range 0 to &lt;1.</summary>
    public double Dropout { get; init; }

    /// <summary>
    /// Modules to wrap: a last path segment (<c>q_proj</c>), a full path
    /// (<c>model.layers.0.self_attn.q_proj</c>), or a regular expression matched against the whole
    /// path (PEFT's rule when the config holds a single string). Default: the four attention projections.
    /// </summary>
    public IReadOnlyList<string> TargetModules { get; init; } = ["q_proj", "k_proj", "v_proj", "o_proj"];

    /// <summary>Rank-stabilised LoRA: scale by alpha / √r instead of alpha / r. Default false.</summary>
    public bool UseRsLora { get; init; }

    /// <summary>DoRA: a trainable magnitude per output row times the normalised adapted weight. Default false.</summary>
    public bool UseDora { get; init; }

    /// <summary>Recorded as <c>base_model_name_or_path</c> in <c>adapter_config.json</c>.</summary>
    public string? BaseModelNameOrPath { get; init; }

    /// <summary>How the frozen base was quantised when the adapter was trained (QLoRA), or null for a
    /// full-precision base. Written to <c>adapter_config.json</c> as <see cref="Nf4Record.Key"/>.</summary>
    public Nf4Options? BaseQuantization { get; init; }

    /// <summary>PEFT's <c>trainable_token_indices</c>: token ids whose rows of <c>embed_tokens</c> (and of
    /// an untied <c>lm_head</c>) are trained, by module name, e.g. tokens added to the vocabulary. Loading
    /// grows the base's vocabulary to cover them first. Default null: none.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<int>>? TrainableTokenIndices { get; init; }

    /// <summary>The factor s applied to B A: alpha / r, or alpha / √r with rsLoRA.</summary>
    public double Scaling => UseRsLora ? Alpha / Math.Sqrt(Rank) : Alpha / Rank;
}
