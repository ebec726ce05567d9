namespace Workflows.Steps.EvalData;

/// <summary>Which field of a raw task file (JSONL, JSON, CSV, TSV, TXT) holds each part of an item
/// (YAML <c>fields:</c>). Ignored for dataset artifacts, whose canonical columns are used instead.</summary>
/// <example>SST-2: <c>fields: { prompt: sentence, label: label }</c>; GSM8K: <c>fields: { prompt: question, target: answer }</c>;
/// AdvBench, whose header names its two columns the wrong way round: <c>fields: { prompt: target }</c>.</example>
public sealed record FieldMapping
{
    /// <summary>Field holding the prompt / question / text to classify. Default <c>prompt</c>.</summary>
    public string Prompt { get; init; } = "prompt";

    /// <summary>Field holding the reference answer or completion. Default <c>answer</c>.</summary>
    public string Target { get; init; } = "answer";

    /// <summary>Field holding a whole document for perplexity. Default <c>text</c> (what .txt files give).</summary>
    public string Text { get; init; } = "text";

    /// <summary>Field holding the gold label (a 0-based choice index or a choice's text). Default <c>label</c>.</summary>
    public string Label { get; init; } = "label";

    /// <summary>Field holding a per-item list of choices (JSON array). Default <c>choices</c>; optional in the file.</summary>
    public string Choices { get; init; } = "choices";
}
