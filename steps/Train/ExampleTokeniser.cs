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
    /// for prompt tokens unless <paramref name="trainOnInputs"/>.</summary>
    public static TokenisedExample Tokenise(IReadOnlyList<TextSegment> segments, TextTokenizer tokenizer, bool trainOnInputs)
    {
        var text = string.Concat(segments.Select(s => s.Text));
        var ids = tokenizer.Encode(text, addBos: true).Select(i => (long)i).ToList();
        var labels = new long[ids.Count];
        var start = tokenizer.BosId is null ? 0 : 1;
        var prefix = "";
        for (var i = 0; i < segments.Count; i++)
        {
            prefix += segments[i].Text;
            var end = i == segments.Count - 1 ? ids.Count : Math.Min(ids.Count, tokenizer.Encode(prefix, addBos: true).Count);
            for (var t = start; t < end; t++) labels[t] = segments[i].Trainable || trainOnInputs ? ids[t] : LanguageModelLoss.IgnoreIndex;
            start = end;
        }

        if (tokenizer.BosId is not null) labels[0] = LanguageModelLoss.IgnoreIndex;         // BOS is never predicted
        if (tokenizer.EosIds.Count > 0 && segments[^1].Trainable)
        {
            ids.Add(tokenizer.EosIds[0]);                                                    // teach the model to stop
            return new TokenisedExample([.. ids], [.. labels, tokenizer.EosIds[0]]);
        }

        return new TokenisedExample([.. ids], labels);
    }
}
