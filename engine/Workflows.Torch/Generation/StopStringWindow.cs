using Workflows.Torch.Tokenization;

namespace Workflows.Torch.Generation;

/// <summary>
/// Says whether the newest token may have completed a stop string by decoding only the last few
/// generated tokens, so watching for stop strings costs the new text rather than a decode of the whole
/// sequence per token. It only ever answers "no stop" or "look": on "look" the caller runs the exact
/// check on the whole completion, which alone decides whether and where to cut.
/// </summary>
/// <remarks>
/// Why "no stop" is exact. Before this token the whole completion held no stop string (else the row had
/// stopped), so a stop string in it now ends after the first character where the completion changed.
/// Decoding is local: a window's text equals the whole text's tail except near its start, where
/// SentencePiece drops the first token's leading space and the bytes of a UTF-8 character cut by the
/// window's start decode to U+FFFD until the decoder is back in step (within 3 bytes, so within
/// <see cref="MarginTokens"/> tokens). The window and the window without the newest token share that
/// start, so where they first differ is where the completion changed, measured inside the window. The
/// window is grown until at least the longest stop string's length (less one) of trusted text, past the
/// margin tokens' text and <see cref="SlackChars"/>, lies before that point: every stop string that
/// could have just appeared lies wholly in trusted text and is searched for there. A decoder that is not
/// local in some other way makes the two window texts differ early or come out empty, which only grows
/// the window until it reaches the prompt, where the whole check runs.
/// </remarks>
internal sealed class StopStringWindow(TextTokenizer tokenizer, IReadOnlyList<string> stops)
{
    /// <summary>Tokens at the window's start whose text is not trusted: a leading space dropped, and up to three
    /// bytes of a cut UTF-8 character.</summary>
    private const int MarginTokens = 4;

    /// <summary>Characters allowed beyond the margin tokens' own text for the character completed just past them.</summary>
    private const int SlackChars = 4;

    private readonly int _longest = stops.Max(s => s.Length);
    private int _size = MarginTokens + 4;                                      // tokens decoded, the newest included; only grows

    /// <summary>False when no stop string can have ended in the newest of <paramref name="tokens"/>; true when the
    /// whole completion must be checked (a stop string may be there, or too few tokens follow the prompt's
    /// <paramref name="promptCount"/> for a window).</summary>
    public bool MayStop(List<int> tokens, int promptCount)
    {
        var end = tokens.Count;
        while (true)
        {
            var start = end - _size;
            if (start < promptCount) return true;                               // the window would reach the prompt, whose split is the full check's
            var text = tokenizer.Decode(tokens.GetRange(start, _size));
            var before = tokenizer.Decode(tokens.GetRange(start, _size - 1));
            var untrusted = tokenizer.Decode(tokens.GetRange(start, MarginTokens)).Length + SlackChars;
            var changed = CommonPrefix(text, before);
            if (changed - untrusted >= _longest - 1)
                return stops.Any(s => text.IndexOf(s, Math.Max(0, changed - s.Length + 1), StringComparison.Ordinal) >= 0);
            _size += Math.Max(2, _size / 2);
        }
    }

    private static int CommonPrefix(string a, string b)
    {
        var n = 0;
        while (n < a.Length && n < b.Length && a[n] == b[n]) n++;
        return n;
    }
}
