using System.ComponentModel.DataAnnotations;

namespace Workflows.Steps.Augment;

/// <summary>Instruction rephrasing from a list of templates (YAML <c>rephrase:</c>).</summary>
/// <remarks>Applies to the instruction of instruction rows and the first user turn of conversation and
/// preference rows; answers are never changed.</remarks>
public sealed record RephraseOptions
{
    /// <summary>Templates, each containing <c>{instruction}</c> where the original goes, e.g.
    /// <c>"Could you help with this? {instruction}"</c>. Required, at least one.</summary>
    [MinLength(1)]
    public required List<string> Templates { get; init; }

    /// <summary>New rows per row, each from a template drawn at random (without repeats while templates
    /// last). Default 1; range 1 to 100.</summary>
    [Range(1, 100)]
    public int Copies { get; init; } = 1;
}
