namespace Workflows.Steps.Ingest;

/// <summary>Which source field fills each canonical field (YAML <c>columns:</c>). A field left out is
/// looked up under its usual names; one given here must exist in every record.</summary>
/// <example><c>columns: { prompt: target, completion: goal }</c> reads advbench, whose header names
/// the two columns the wrong way round.</example>
public sealed record ColumnMapping
{
    /// <summary>Source field for the system prompt. Default: <c>system</c>.</summary>
    public string? System { get; init; }

    /// <summary>Source field for the instruction. Default: <c>instruction</c>.</summary>
    public string? Instruction { get; init; }

    /// <summary>Source field for the optional instruction input. Default: <c>input</c>.</summary>
    public string? Input { get; init; }

    /// <summary>Source field for the instruction's answer. Default: <c>output</c>.</summary>
    public string? Output { get; init; }

    /// <summary>Source field for a prompt. Default: <c>prompt</c>, <c>question</c> or <c>query</c>.</summary>
    public string? Prompt { get; init; }

    /// <summary>Source field for a completion. Default: <c>completion</c>, <c>answer</c> or <c>response</c>.</summary>
    public string? Completion { get; init; }

    /// <summary>Source field for text. Default: <c>text</c>, <c>content</c>, <c>sentence</c> or <c>document</c>.</summary>
    public string? Text { get; init; }

    /// <summary>Source field for a classification label, or a KTO row's boolean tag. Default: <c>label</c>
    /// or <c>kto_tag</c>.</summary>
    public string? Label { get; init; }

    /// <summary>Source field for a list of chat turns. Default: <c>messages</c> or <c>conversations</c>.</summary>
    public string? Messages { get; init; }

    /// <summary>Source field for the preferred answer. Default: <c>chosen</c>.</summary>
    public string? Chosen { get; init; }

    /// <summary>Source field for the dispreferred answer. Default: <c>rejected</c>.</summary>
    public string? Rejected { get; init; }
}
