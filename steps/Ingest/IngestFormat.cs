namespace Workflows.Steps.Ingest;

/// <summary>The layout of the source records (YAML <c>format:</c>).</summary>
public enum IngestFormat
{
    /// <summary>Detected from the first well-formed record's field names (see the ingest README).</summary>
    Auto,
    /// <summary><c>instruction</c>, optional <c>input</c>, <c>output</c>, optional <c>system</c>.</summary>
    Alpaca,
    /// <summary><c>conversations</c>: a list of <c>{from, value}</c> (human/gpt/system/…).</summary>
    Sharegpt,
    /// <summary><c>messages</c>: a list of <c>{role, content}</c>.</summary>
    Openai,
    /// <summary><c>prompt</c> and <c>completion</c> (also question/answer, prompt/response).</summary>
    PromptCompletion,
    /// <summary><c>text</c>; every line of a <c>.txt</c> file.</summary>
    Text,
    /// <summary><c>chosen</c> and <c>rejected</c>, with an optional prompt (conversations, messages, prompt,
    /// instruction) or Human/Assistant transcripts that share the prompt.</summary>
    Preference,
    /// <summary><c>text</c> (or <c>sentence</c>) and <c>label</c>.</summary>
    Classification,
    /// <summary>LLaMA-Factory's KTO layout: a conversation (<c>messages</c> or <c>conversations</c>) and a
    /// boolean <c>label</c> (its <c>kto_tag</c>) saying whether the last answer is desirable.</summary>
    Kto,
}
