using System.ComponentModel.DataAnnotations;
using Workflows.Engine.Steps;

namespace Workflows.Steps.Split;

/// <summary>Options of the <c>split</c> step.</summary>
public sealed record SplitOptions : IValidatableOptions
{
    /// <summary>The dataset to split (<c>${{ steps.X.outputs.dataset }}</c>). Required.</summary>
    [Input(ArtifactKind.Dataset)]
    public required string Dataset { get; init; }

    /// <summary>How rows are dealt out. Default <c>grouped</c> (by <see cref="GroupBy"/>).</summary>
    public SplitMethod Method { get; init; } = SplitMethod.Grouped;

    /// <summary>Shares of train/validation/test, adding up to 1. Default 0.8/0.1/0.1; a map given here
    /// replaces it whole (a split left out gets 0).</summary>
    public SplitRatios Ratios { get; init; } = new() { Train = 0.8, Validation = 0.1, Test = 0.1 };

    /// <summary>Seed of the shuffle; same seed and input give byte-identical splits.
    /// Default 0; range 0 to 2,147,483,647.</summary>
    [Range(0, int.MaxValue)]
    public int Seed { get; init; }

    /// <summary>Column whose equal values stay in one split (grouped and stratified methods).
    /// Default <c>source_id</c>. Rows where it is empty are groups of their own.</summary>
    public string GroupBy { get; init; } = "source_id";

    /// <summary>Column whose values are split separately (stratified method). Default <c>label</c>.</summary>
    public string StratifyBy { get; init; } = "label";

    /// <summary>K-fold cross-validation instead of ratios. Default: off.</summary>
    public KFoldOptions? KFold { get; init; }

    /// <summary>Estimated Jaccard similarity (MinHash over word shingles) from which a pair of rows in
    /// different splits counts as a near-duplicate leak. Default 0.8; range 0.5 to 1.</summary>
    [Range(0.5, 1.0)]
    public double NearDuplicateThreshold { get; init; } = 0.8;

    /// <summary>Words per shingle for the leakage check. Default 3; range 1 to 16.</summary>
    [Range(1, 16)]
    public int ShingleSize { get; init; } = 3;

    /// <summary>Fail the step when any exact or near-duplicate pair crosses splits. Default false
    /// (leaks are counted, logged and reported as metrics only).</summary>
    public bool FailOnLeakage { get; init; }

    /// <summary>Ratio sums, fold numbers and column names, checked by <c>wf validate</c> before anything runs.</summary>
    public IEnumerable<OptionError> Validate() => SplitValidation.Check(this);
}
