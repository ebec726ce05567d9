using System.ComponentModel.DataAnnotations;
using Workflows.Engine.Steps;

namespace Workflows.Steps.Guard;

/// <summary>A Llama-Guard-style safety classifier (YAML <c>guard_model:</c>): given the Llama Guard 3 prompt with the
/// category list, it answers <c>safe</c> or <c>unsafe</c> and the violated codes. Answers in any other form are
/// counted as <c>unparseable</c>, never as a verdict.</summary>
public sealed record GuardModelOptions
{
    /// <summary>The classifier's checkpoint folder (e.g. Llama Guard 3 1B in Hugging Face layout). Required.</summary>
    [Input(ArtifactKind.Model)]
    public required string Model { get; init; }

    /// <summary>Category codes to put in the prompt, from S1–S14 of Llama Guard 3. Default: all fourteen.</summary>
    public List<string> Categories { get; init; } = ["S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9", "S10", "S11", "S12", "S13", "S14"];

    /// <summary>Which turn to judge: <c>response</c> (default) or <c>prompt</c>.</summary>
    public GuardJudges Judges { get; init; } = GuardJudges.Response;

    /// <summary>Most tokens of the classifier's answer. Default 10; range 1 to 64.</summary>
    [Range(1, 64)]
    public int MaxNewTokens { get; init; } = 10;
}
