using Workflows.Engine.Runs;

namespace Workflows.Engine.Execution;

/// <summary>How a step invocation ended, before its outputs are committed.</summary>
internal sealed record StepOutcome(StepState State, string? Error, IReadOnlyDictionary<string, double> Metrics)
{
    public static StepOutcome Failure(string error) => new(StepState.Failed, error, new Dictionary<string, double>());
}
