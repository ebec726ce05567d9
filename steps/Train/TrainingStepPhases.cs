namespace Workflows.Steps.Train;

/// <summary>Where a training step's time goes, in milliseconds per step (the mean over the timed steps), for a
/// language-model loss taken in chunks (<see cref="TrainingBenchmark"/>): the decoder layers' forward pass, the
/// head's chunked loss with its gradients (<see cref="Workflows.Torch.Evaluation.ChunkedCrossEntropy"/>), the
/// backward pass through the layers, and the optimizer step.</summary>
public sealed record TrainingStepPhases(double LayersForward, double HeadLoss, double LayersBackward, double Optimizer)
{
    /// <summary>The phases' names and values, in the order a step runs them.</summary>
    public IReadOnlyList<(string Name, double Milliseconds)> Named =>
        [("layers forward", LayersForward), ("head loss and its gradients", HeadLoss), ("backward through the layers", LayersBackward), ("optimizer", Optimizer)];

    /// <summary>The sum of the phases of <paramref name="steps"/>, divided by their count.</summary>
    public static TrainingStepPhases Mean(IReadOnlyList<TrainingStepPhases> steps) => new(
        steps.Average(s => s.LayersForward), steps.Average(s => s.HeadLoss), steps.Average(s => s.LayersBackward), steps.Average(s => s.Optimizer));
}
