using System.ComponentModel.DataAnnotations;

namespace Workflows.Steps.Train;

/// <summary>Stop when validation loss stops improving (YAML <c>early_stopping:</c>); needs <c>validation</c>.</summary>
public sealed record EarlyStoppingOptions
{
    /// <summary>Evaluations in a row without a new best validation loss before stopping. Default 3; range 1 to 1000.</summary>
    [Range(1, 1000)]
    public int Patience { get; init; } = 3;

    /// <summary>What "better" means, for early stopping and the best adapter: <c>val_loss</c> (lower is better),
    /// or for a preference objective <c>eval_rewards/accuracies</c> or <c>eval_rewards/margins</c> (higher is
    /// better). Default val_loss.</summary>
    public string Metric { get; init; } = ValLoss;

    /// <summary>The validation loss metric.</summary>
    public const string ValLoss = "val_loss";

    /// <summary>The preference metrics that may drive early stopping, all higher-is-better.</summary>
    public static readonly IReadOnlyList<string> PreferenceMetrics = ["eval_rewards/accuracies", "eval_rewards/margins"];
}
