using System.ComponentModel.DataAnnotations;

namespace Workflows.Steps.Train;

/// <summary>AdamW with decoupled weight decay (YAML <c>optimizer:</c>).</summary>
public sealed record OptimizerOptions
{
    /// <summary>Peak learning rate. Default 2e-4; range 0 to 1.</summary>
    [Range(0.0, 1.0)]
    public double Lr { get; init; } = 2e-4;

    /// <summary>Decoupled weight decay. Default 0; range 0 to 1.</summary>
    [Range(0.0, 1.0)]
    public double WeightDecay { get; init; }

    /// <summary>Decay rates of the first and second moment estimates. Default [0.9, 0.999]; each in [0, 1).</summary>
    public List<double> Betas { get; init; } = [0.9, 0.999];

    /// <summary>Added to the denominator for stability. Default 1e-8; range 0 to 1.</summary>
    [Range(0.0, 1.0)]
    public double Eps { get; init; } = 1e-8;
}
