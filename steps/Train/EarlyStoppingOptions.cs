using System.ComponentModel.DataAnnotations;

namespace Workflows.Steps.Train;

/// <summary>Stop when validation loss stops improving (YAML <c>early_stopping:</c>); needs <c>validation</c>.</summary>
public sealed record EarlyStoppingOptions
{
    /// <summary>Evaluations in a row without a new best validation loss before stopping. Default 3; range 1 to 1000.</summary>
    [Range(1, 1000)]
    public int Patience { get; init; } = 3;
}
