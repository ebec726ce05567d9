using System.ComponentModel.DataAnnotations;

namespace Workflows.Steps.Split;

/// <summary>K-fold cross-validation (YAML <c>k_fold:</c>): rows are dealt into <see cref="Folds"/> folds
/// (respecting method, groups and strata); fold <see cref="Fold"/> is <c>validation</c>, the rest
/// <c>train</c>, and <c>ratios</c> and <c>test</c> are unused. Run one split step per fold.</summary>
public sealed record KFoldOptions
{
    /// <summary>Number of folds. Required; range 2 to 100.</summary>
    [Range(2, 100)]
    public required int Folds { get; init; }

    /// <summary>Which fold (0-based) is validation. Default 0; range 0 to 99, below <see cref="Folds"/>.</summary>
    [Range(0, 99)]
    public int Fold { get; init; }
}
