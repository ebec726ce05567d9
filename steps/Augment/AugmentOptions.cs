using System.ComponentModel.DataAnnotations;
using Workflows.Engine.Steps;

namespace Workflows.Steps.Augment;

/// <summary>Options of the <c>augment</c> step. Augmenters run in this order, each on every row the
/// previous one produced: template variables → rephrase → noise; de-duplication runs last.</summary>
public sealed record AugmentOptions
{
    /// <summary>The dataset to augment (<c>${{ steps.X.outputs.dataset }}</c>). Required.</summary>
    [Input(ArtifactKind.Dataset)]
    public required string Dataset { get; init; }

    /// <summary>Seed for every random choice; same seed and input give byte-identical output.
    /// Default 0; range 0 to 2,147,483,647.</summary>
    [Range(0, int.MaxValue)]
    public int Seed { get; init; }

    /// <summary>Values for <c>{{name}}</c> placeholders in any text field, e.g. <c>{ name: Sparky }</c>.
    /// A row with placeholders is replaced by its filled copy. Default: none.</summary>
    public Dictionary<string, string>? TemplateVars { get; init; }

    /// <summary>Several value sets instead of <see cref="TemplateVars"/>: a row with placeholders becomes one
    /// filled row per set (e.g. several persona names). Default: none.</summary>
    public List<Dictionary<string, string>>? TemplateVarSets { get; init; }

    /// <summary>Rewrites the instruction through templates such as <c>"Please answer: {instruction}"</c>.
    /// Default: off.</summary>
    public RephraseOptions? Rephrase { get; init; }

    /// <summary>Adds copies with character/word noise on the prompt side. Default: off.</summary>
    public NoiseOptions? Noise { get; init; }

    /// <summary>Duplicate removal after augmentation. Default: exact duplicates removed, near-duplicates kept.</summary>
    public DedupOptions Dedup { get; init; } = new();
}
