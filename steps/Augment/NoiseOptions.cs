using System.ComponentModel.DataAnnotations;

namespace Workflows.Steps.Augment;

/// <summary>Character/word noise (YAML <c>noise:</c>): copies whose prompt side has small edits, to make
/// a model robust to typos. Answers are never noised: that would teach the model to make typos.</summary>
public sealed record NoiseOptions
{
    /// <summary>Which edits may be used. Default: all (swap, delete, typo, case).</summary>
    public List<NoiseOperation> Operations { get; init; } =
        [NoiseOperation.Swap, NoiseOperation.Delete, NoiseOperation.Typo, NoiseOperation.Case];

    /// <summary>Probability that a word is edited; every copy gets at least one edit.
    /// Default 0.1; range 0 to 1.</summary>
    [Range(0.0, 1.0)]
    public double Rate { get; init; } = 0.1;

    /// <summary>Noisy copies per row. Default 1; range 1 to 100.</summary>
    [Range(1, 100)]
    public int Copies { get; init; } = 1;
}
