namespace Workflows.Steps.Evaluate;

/// <summary>Bounds a metric must stay within (YAML <c>gates: { perplexity: { max: 12 } }</c>); at least one is set.</summary>
public sealed record GateOptions
{
    /// <summary>Smallest acceptable value (e.g. accuracy). Default: none.</summary>
    public double? Min { get; init; }

    /// <summary>Largest acceptable value (e.g. perplexity). Default: none.</summary>
    public double? Max { get; init; }
}
