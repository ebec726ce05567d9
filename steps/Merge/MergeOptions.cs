using System.ComponentModel.DataAnnotations;
using Workflows.Engine.Steps;
using Workflows.Torch.Merging;

namespace Workflows.Steps.Merge;

/// <summary>Options of the <c>merge</c> step.</summary>
public sealed record MergeOptions : IValidatableOptions
{
    /// <summary>The base model the adapters were trained on (a model output or an HF folder). Required.</summary>
    [Input(ArtifactKind.Model)]
    public required string BaseModel { get; init; }

    /// <summary>One adapter to merge into the base, or several to combine first (PEFT folders:
    /// <c>adapter_config.json</c> + <c>adapter_model.safetensors</c>). Required; 1 to 16.</summary>
    [Input(ArtifactKind.Adapter)]
    public required IReadOnlyList<string> Adapters { get; init; }

    /// <summary>How several adapters are combined into one. Default <c>cat</c> (exact weighted sum).
    /// Ignored for a single adapter without <see cref="Weights"/>.</summary>
    public CombinationMethod Combination { get; init; } = CombinationMethod.Cat;

    /// <summary>One weight per adapter. Default: 1 for each. Range -10 to 10; linear, ties and dare
    /// methods need weights ≥ 0 (they take square roots).</summary>
    public IReadOnlyList<double>? Weights { get; init; }

    /// <summary>Rank of the combined adapter for <c>svd</c>. Default: the largest source rank;
    /// range 1 to 1024 (clamped per layer to min(in, out)).</summary>
    [Range(1, 1024)]
    public int? SvdRank { get; init; }

    /// <summary>Share of entries kept by <c>ties</c>, <c>dare_linear</c> and <c>dare_ties</c>. Default 0.5; range 0.01 to 1.</summary>
    [Range(0.01, 1.0)]
    public double Density { get; init; } = 0.5;

    /// <summary>How <c>ties</c> and <c>dare_ties</c> elect each entry's sign. Default <c>total</c>.</summary>
    public MajoritySign MajoritySign { get; init; } = MajoritySign.Total;

    /// <summary>Seed of DARE's random drop. Default 0; range 0 to 2,147,483,647.</summary>
    [Range(0, int.MaxValue)]
    public int Seed { get; init; }

    /// <summary>The base the update is merged into. Default (unset): the one each adapter was trained on,
    /// i.e. for a QLoRA adapter the dequantised NF4 base with the block size and double quantisation its
    /// <c>adapter_config.json</c> records (an adapter whose <c>training_summary.json</c> says qlora but
    /// that records no quantisation is refused), else the full-precision base. <c>false</c>: the
    /// full-precision base, said so in the log; the drift check then compares against the adapter on the
    /// full-precision base. <c>true</c>: the recorded NF4 base, and an adapter without one is refused.</summary>
    public bool? QuantisedBase { get; init; }

    /// <summary>Largest allowed absolute difference between a logit of the merged model and of the base with
    /// the adapter applied at run time, over <see cref="DriftPrompts"/>. Default 0.001; range 0 to 100.</summary>
    [Range(0.0, 100.0)]
    public double MaxDrift { get; init; } = 1e-3;

    /// <summary>Prompts the drift check runs. Default: two short prompts; 1 to 64 entries.</summary>
    public IReadOnlyList<string> DriftPrompts { get; init; } = ["Once upon a time", "Hello! Who are you?"];

    public IEnumerable<OptionError> Validate()
    {
        if (Adapters.Count is < 1 or > 16) yield return new OptionError("adapters", $"list 1 to 16 adapters, got {Adapters.Count}");
        if (Weights is { } weights && weights.Count != Adapters.Count)
            yield return new OptionError("weights", $"give one weight per adapter: {Adapters.Count} adapters, {weights.Count} weights");
        if (Weights?.Any(w => w is < -10 or > 10 || double.IsNaN(w)) == true) yield return new OptionError("weights", "each weight must be between -10 and 10");
        if (Weights?.Any(w => w < 0) == true && Combination is not (CombinationMethod.Cat or CombinationMethod.Svd))
            yield return new OptionError("weights", $"combination {MergeNames.Of(Combination)} takes square roots of the weights, so they must be ≥ 0", "use combination: cat or svd for negative weights");
        if (DriftPrompts.Count is < 1 or > 64) yield return new OptionError("drift_prompts", $"list 1 to 64 prompts, got {DriftPrompts.Count}");
    }

    /// <summary>True when the step combines adapters before merging (several adapters, or explicit weights).</summary>
    internal bool Combines => Adapters.Count > 1 || Weights is not null;
}
