namespace Workflows.Steps.Evaluate;

/// <summary>What <see cref="EvaluateBenchmark"/> measured (wall-clock seconds of the step, model already loaded).</summary>
public sealed record EvaluateBenchmarkResult(int ChoiceItems, double ChoiceSeconds, int GenerationItems, double GenerationSeconds)
{
    /// <summary>Two-choice items scored per second (two log-likelihood forwards each).</summary>
    public double ChoiceItemsPerSecond => ChoiceItems / ChoiceSeconds;

    /// <summary>Generation items answered and scored per second.</summary>
    public double GenerationItemsPerSecond => GenerationItems / GenerationSeconds;
}
