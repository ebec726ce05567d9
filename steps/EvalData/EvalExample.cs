namespace Workflows.Steps.EvalData;

/// <summary>One evaluation or red-team item, whatever file or dataset it came from.</summary>
/// <param name="Id">Where it came from (<c>file:line</c> or the dataset row id), for reports.</param>
/// <param name="Prompt">The question, instruction or text to classify; null for plain text rows.</param>
/// <param name="Target">The reference answer (generation) or the completion (perplexity); may be null.</param>
/// <param name="Text">A whole document (perplexity over every token); null otherwise.</param>
/// <param name="Label">The gold label of a multiple-choice item: a choice index or a choice's text.</param>
/// <param name="Choices">Per-item choices (overrides the task's <c>choices:</c>); null when the task gives them.</param>
public sealed record EvalExample(
    string Id,
    string? Prompt,
    string? Target,
    string? Text,
    string? Label,
    IReadOnlyList<string>? Choices = null);
