namespace Workflows.Steps.Datasets;

/// <summary>What a canonical row holds, and so which of its columns are filled.</summary>
/// <remarks>Stored in the <c>kind</c> column as the lower-case name (<c>instruction</c>, …).</remarks>
public enum RowKind
{
    /// <summary>An instruction and its answer: <c>instruction</c>, optional <c>input</c>, <c>output</c>
    /// (alpaca, prompt/completion, question/answer).</summary>
    Instruction,
    /// <summary>A multi-turn chat in <c>messages</c> (sharegpt, OpenAI messages).</summary>
    Conversation,
    /// <summary>Plain text for continued pre-training in <c>text</c>.</summary>
    Text,
    /// <summary>A prompt (<c>messages</c>, may be empty) with a <c>chosen</c> and a <c>rejected</c> answer.</summary>
    Preference,
    /// <summary>A <c>text</c> with its <c>label</c>.</summary>
    Classification,
    /// <summary>A conversation in <c>messages</c> whose last (assistant) turn was judged: <c>label</c> is
    /// <c>desirable</c> or <c>undesirable</c> (KTO data). Not an SFT target: an undesirable answer must
    /// never be trained on as if it were good.</summary>
    Feedback,
}
