using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Workflows.Torch.Tokenization;

/// <summary>
/// A byte-level <c>tokenizer.json</c> with <c>ignore_merges</c> (Llama 3) looks a whole pre-token up
/// in the vocabulary before merging, as tiktoken does; Microsoft.ML.Tokenizers' BPE always merges
/// (and so spells "Việt" in five pieces, not one). Such a vocabulary is tiktoken-shaped (ids are merge
/// ranks), so it is loaded as a <see cref="TiktokenTokenizer"/>: keys mapped back from GPT-2's
/// byte-to-unicode alphabet to bytes, id as rank.
/// </summary>
internal static class ByteLevelRanks
{
    public static Tokenizer Create(IEnumerable<KeyValuePair<string, int>> vocabulary, IReadOnlyDictionary<string, int> specialTokens, string pattern, bool nfc)
    {
        var decode = ByteDecoder();
        var ranks = new StringBuilder();
        foreach (var (token, id) in vocabulary.OrderBy(v => v.Value))
        {
            var bytes = token.Select(c => decode.TryGetValue(c, out var b) ? b
                : throw new ModelLoadException($"vocabulary token '{token}' is not in the byte-level alphabet")).ToArray();
            ranks.Append(Convert.ToBase64String(bytes)).Append(' ').Append(id).Append('\n');
        }

        using var stream = new MemoryStream(Encoding.ASCII.GetBytes(ranks.ToString()));
        var preTokenizer = new RegexPreTokenizer(new Regex(pattern, RegexOptions.Compiled), specialTokens.Count > 0 ? specialTokens : null);
        return TiktokenTokenizer.Create(stream, preTokenizer, nfc ? NfcNormalizer.Instance : null, specialTokens.Count > 0 ? specialTokens : null);
    }

    // GPT-2's bytes_to_unicode, inverted: printable Latin-1 bytes stand for themselves, the other 68
    // bytes for U+0100 onwards in byte order.
    private static Dictionary<char, byte> ByteDecoder()
    {
        var map = new Dictionary<char, byte>();
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[printable ? (char)b : (char)next++] = (byte)b;
        }

        return map;
    }
}
