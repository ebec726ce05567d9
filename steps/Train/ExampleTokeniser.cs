using Workflows.Torch.Evaluation;
using Workflows.Torch.Tokenization;

namespace Workflows.Steps.Train;

/// <summary>Turns rendered segments into ids and labels: BOS first, EOS after the last completion.</summary>
/// <remarks>The whole text is encoded at once and segment boundaries are found by encoding each
/// prefix, so the tokens are exactly those the model sees when it is sent the prompt at inference
/// (encoding segments separately would add SentencePiece's leading space to each).</remarks>
public static class ExampleTokeniser
{
    /// <summary>Ids and labels of one example; labels are <see cref="LanguageModelLoss.IgnoreIndex"/>
    /// for prompt tokens unless <paramref name="trainOnInputs"/>. A chat template (<paramref name="chatTemplate"/>)
    /// writes its own BOS and end-of-turn markers, so none are added (as transformers' apply_chat_template).</summary>
    public static TokenisedExample Tokenise(IReadOnlyList<TextSegment> segments, TextTokenizer tokenizer, bool trainOnInputs, bool chatTemplate = false)
    {
        var addBos = !chatTemplate;
        var text = string.Concat(segments.Select(s => s.Text));
        var ids = tokenizer.Encode(text, addBos).Select(i => (long)i).ToList();
        var labels = new long[ids.Count];
        var start = addBos && tokenizer.BosId is not null ? 1 : 0;
        var prefix = "";
        for (var i = 0; i < segments.Count; i++)
        {
            prefix += segments[i].Text;
            var end = i == segments.Count - 1 ? ids.Count : Math.Min(ids.Count, tokenizer.Encode(prefix, addBos).Count);
            for (var t = start; t < end; t++) labels[t] = segments[i].Trainable || trainOnInputs ? ids[t] : LanguageModelLoss.IgnoreIndex;
            start = end;
        }

        if (ids.Count > 0 && ids[0] == tokenizer.BosId) labels[0] = LanguageModelLoss.IgnoreIndex;   // BOS is never predicted
        if (!chatTemplate && tokenizer.EosIds.Count > 0 && segments[^1].Trainable)
        {
            ids.Add(tokenizer.EosIds[0]);                                                    // teach the model to stop
            return new TokenisedExample([.. ids], [.. labels, tokenizer.EosIds[0]]);
        }

        return new TokenisedExample([.. ids], labels);
    }
}
