namespace Workflows.Engine.Steps;

/// <summary>How a step ended. Expected failures are outcomes, not exceptions.</summary>
public sealed record StepResult
{
    public bool Success { get; private init; }

    /// <summary>For a failure: one or more lines saying what went wrong and what to do.</summary>
    public string? Error { get; private init; }

    /// <summary>Final summary metrics (also logged to the tracker), e.g. rows kept, validation loss.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; private init; } = new Dictionary<string, double>();

    public static StepResult Succeeded(IReadOnlyDictionary<string, double>? metrics = null) =>
        new() { Success = true, Metrics = metrics ?? new Dictionary<string, double>() };

    public static StepResult Failed(string error, IReadOnlyDictionary<string, double>? metrics = null) =>
        new() { Success = false, Error = error, Metrics = metrics ?? new Dictionary<string, double>() };
}
