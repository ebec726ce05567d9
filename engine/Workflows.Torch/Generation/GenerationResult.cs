namespace Workflows.Torch.Generation;

/// <summary>What <see cref="TextGenerator"/> produced.</summary>
/// <param name="Prompt">The prompt as given.</param>
/// <param name="Completion">The generated text only (cut before a stop string when one was hit).</param>
/// <param name="PromptTokens">Token ids of the prompt, including BOS when added.</param>
/// <param name="GeneratedTokens">Token ids produced, excluding a final end-of-sequence token.</param>
/// <param name="StopReason">Why generation ended.</param>
public sealed record GenerationResult(
    string Prompt,
    string Completion,
    IReadOnlyList<int> PromptTokens,
    IReadOnlyList<int> GeneratedTokens,
    StopReason StopReason)
{
    /// <summary>Prompt followed by completion.</summary>
    public string Text => Prompt + Completion;
}
