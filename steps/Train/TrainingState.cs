namespace Workflows.Steps.Train;

/// <summary>The counters a checkpoint carries besides tensors; everything else (data order,
/// dropout masks) is derived from the seed and <see cref="Step"/>, so resuming reproduces them.</summary>
public sealed record TrainingState
{
    /// <summary>Optimizer steps done.</summary>
    public int Step { get; init; }

    /// <summary>Target tokens trained on so far.</summary>
    public long Tokens { get; init; }

    /// <summary>Validation loss of the untouched base model.</summary>
    public double? BaseValLoss { get; init; }

    /// <summary>Most recent validation loss.</summary>
    public double? LastValLoss { get; init; }

    /// <summary>Best validation loss so far, and the step it was reached at.</summary>
    public double? BestValLoss { get; init; }

    public int BestStep { get; init; }

    /// <summary>The best value of the early-stopping metric, oriented so that lower is better (a
    /// higher-is-better metric is negated); null means <see cref="BestValLoss"/>.</summary>
    public double? BestScore { get; init; }

    /// <summary>Evaluations since the best one (early stopping).</summary>
    public int EvalsWithoutImprovement { get; init; }

    /// <summary>Most recent training loss.</summary>
    public double LastLoss { get; init; } = double.NaN;

    /// <summary>Training loss of every step so far (index = step − 1), for the loss curve.</summary>
    public IReadOnlyList<double> TrainLosses { get; init; } = [];

    /// <summary>Validation losses so far as (step, loss) pairs, step 0 being the base model, for the loss curve.</summary>
    public IReadOnlyList<double[]> ValLosses { get; init; } = [];
}
