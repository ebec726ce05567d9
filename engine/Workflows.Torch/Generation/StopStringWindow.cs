using Workflows.Torch.Tokenization;

namespace Workflows.Torch.Generation;

/// <summary>
/// Says whether the newest token may have completed a stop string by decoding only the last few
/// tokens, so watching for stop strings costs the new text rather than a decode of the whole sequence
/// per token. It only ever answers "no stop" or "look": on "look" the caller runs the exact check on the
/// whole completion, which alone decides whether and where to cut.
/// </summary>
/// <remarks>
/// Why "no stop" is exact. Decoding is local: the text of a run of tokens equals the whole text's tail
/// except near the run's start, where SentencePiece drops the first token's leading space and the bytes
/// of a UTF-8 character cut by the start decode to U+FFFD until the decoder is back in step (within 3
/// bytes, so within <see cref="MarginTokens"/> tokens).
/// <para>Once enough tokens follow the prompt, a window of generated tokens is decoded. Before this token
/// the completion held no stop string (else the row had stopped), so one there now ends after the first
/// character the newest token changed. The window keeps its start while it grows by one token per call, so
/// that point is where its text first differs from the last call's. The window is re-anchored (grown if
/// needed) until the longest stop string's length (less one) of text lies between the margin tokens' text
/// plus <see cref="SlackChars"/> and that point: every stop string that could have just appeared lies wholly
/// in trusted text and is searched for there.</para>
/// <para>Before that, the completion is taken exactly as <see cref="TextGenerator.Completion"/> does, but from
/// the text of the prompt's last <see cref="PromptTailTokens"/> tokens onwards against those tokens' own
/// text: both texts have the same start, which the margin covers, and differ only at the prompt's end.</para>
/// <para>A decoder that is not local in some other way makes the texts differ early or come out empty,
/// which only grows the window or falls back to the prompt-tail check.</para>
/// </remarks>
internal sealed class StopStringWindow
{
    /// <summary>Tokens at a window's start whose text is not trusted: a leading space dropped, and up to three
    /// bytes of a cut UTF-8 character.</summary>
    private const int MarginTokens = 4;

    /// <summary>Characters allowed beyond the margin tokens' own text for the character completed just past them.</summary>
    private const int SlackChars = 4;

    /// <summary>Prompt tokens decoded with the generated ones while too few of those follow for a window: the margin,
    /// and room for a character cut at the prompt's end (3 bytes), where the prompt's text and the whole text part.</summary>
    private const int PromptTailTokens = 2 * MarginTokens;

    private readonly TextTokenizer _tokenizer;
    private readonly IReadOnlyList<string> _stops;
    private readonly int _longest;
    private readonly int _promptCount;
    private readonly int _tailStart;
    private readonly string _promptTail;
    private int _size = MarginTokens + 4;                                      // tokens a window starts with, the newest included; only grows
    private int _start = -1;                                                    // the window's first token; -1: none anchored
    private string _before = string.Empty;                                      // the window's text before the newest token
    private int _untrusted;                                                     // characters at the window's start not trusted

    public StopStringWindow(TextTokenizer tokenizer, IReadOnlyList<string> stops, IReadOnlyList<int> prompt)
    {
        _tokenizer = tokenizer;
        _stops = stops;
        _longest = stops.Max(s => s.Length);
        _promptCount = prompt.Count;
        _tailStart = Math.Max(0, prompt.Count - PromptTailTokens);
        _promptTail = tokenizer.Decode(prompt.Skip(_tailStart));
    }

    /// <summary>False when no stop string can have ended in the newest of <paramref name="tokens"/> (prompt and
    /// generated); true when the whole completion must be checked.</summary>
    public bool MayStop(List<int> tokens)
    {
        var end = tokens.Count;
        while (true)
        {
            if (_start < 0 || end - _start > 2 * _size) Anchor(tokens, end - _size);
            if (_start < 0)
            {
                var completion = TextGenerator.Completion(Decode(tokens, _tailStart, end), _promptTail);
                return _stops.Any(s => completion.Contains(s, StringComparison.Ordinal));
            }

            var text = Decode(tokens, _start, end);
            var changed = CommonPrefix(text, _before);
            if (changed - _untrusted >= _longest - 1)
            {
                _before = text;
                return _stops.Any(s => text.IndexOf(s, Math.Max(0, changed - s.Length + 1), StringComparison.Ordinal) >= 0);
            }

            _size += Math.Max(2, _size / 2);                                     // too little trusted text before the change: start earlier
            _start = -1;
        }
    }

    // Starts the window at token start; none while that would reach into the prompt.
    private void Anchor(List<int> tokens, int start)
    {
        _start = start < _promptCount ? -1 : start;
        if (_start < 0) return;
        _before = Decode(tokens, start, tokens.Count - 1);
        _untrusted = Decode(tokens, start, start + MarginTokens).Length + SlackChars;
    }

    private string Decode(List<int> tokens, int from, int to) => _tokenizer.Decode(tokens.GetRange(from, to - from));

    private static int CommonPrefix(string a, string b)
    {
        var n = 0;
        while (n < a.Length && n < b.Length && a[n] == b[n]) n++;
        return n;
    }
}
