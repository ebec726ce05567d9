using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Workflows.Torch.Tokenization;

/// <summary>
/// Reads a Hugging Face <c>tokenizer.json</c> whose model is byte-level BPE (GPT-2 style) into a
/// Microsoft.ML.Tokenizers <see cref="BpeTokenizer"/> with the file's own pre-tokenizer regex (the
/// <c>Split</c> of Llama 3 and Qwen, else GPT-2's), its NFC normalizer when it has one, and its
/// added tokens matched whole before splitting (as HF tokenizers does).
/// </summary>
internal static class HfTokenizerJson
{
    public static TextTokenizer Load(string path, int? bosId, IReadOnlyList<int> eosIds, IReadOnlyDictionary<string, int> extra)
    {
        var (parts, prefix, strip) = LoadParts(path, extra);
        return new TextTokenizer(parts.Tokenizer, parts.VocabularySize, bosId, eosIds, path, parts.SpecialTokens)
        {
            Prefix = prefix,
            StripAround = strip.Count == 0 ? null : new Regex(string.Join("|", strip.Select(p =>
                (p.Value.Left ? @"\s*" : "") + "(?<t>" + Regex.Escape(p.Key) + ")" + (p.Value.Right ? @"\s*" : ""))), RegexOptions.Compiled),
        };
    }

    private static (TokenizerParts Parts, PrefixRule? Prefix, IReadOnlyDictionary<string, (bool Left, bool Right)> Strip) LoadParts(string path, IReadOnlyDictionary<string, int> extra)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new ModelLoadException($"{path}: not valid JSON ({e.Message.Split('\n')[0]})", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (!root.TryGetProperty("model", out var model) || !model.TryGetProperty("type", out var type) || type.GetString() != "BPE"
                || !model.TryGetProperty("vocab", out var vocabElement) || !model.TryGetProperty("merges", out var mergesElement))
            {
                throw new ModelLoadException($"{path}: only BPE tokenizer.json files (model.type 'BPE' with vocab and merges) are supported");
            }

            if (SentencePieceJson.Applies(model))
            {
                return SentencePieceJson.Load(root, path, extra);
            }

            if (!UsesByteLevel(root))
            {
                throw new ModelLoadException($"{path}: only byte-level BPE (GPT-2 style) and SentencePiece-style BPE with byte_fallback tokenizer.json are supported");
            }

            var vocabulary = vocabElement.EnumerateObject().Select(p => new KeyValuePair<string, int>(p.Name, p.Value.GetInt32())).ToList();
            var merges = mergesElement.EnumerateArray()
                .Select(m => m.ValueKind == JsonValueKind.Array ? $"{m[0].GetString()} {m[1].GetString()}" : m.GetString()!)
                .ToList();
            var special = new Dictionary<string, int>(StringComparer.Ordinal);
            if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
            {
                foreach (var token in added.EnumerateArray())
                {
                    special[token.GetProperty("content").GetString()!] = token.GetProperty("id").GetInt32();
                }
            }

            foreach (var (text, id) in extra) special[text] = id;

            var pattern = SplitPattern(root.GetProperty("pre_tokenizer")) ?? ByteLevelPatterns.Gpt2;
            var nfc = root.TryGetProperty("normalizer", out var normalizer) && normalizer.ValueKind == JsonValueKind.Object
                && normalizer.TryGetProperty("type", out var kind) && kind.GetString() == "NFC";
            var size = vocabulary.Select(v => v.Value).Concat(special.Values).Max() + 1;
            var ignoreMerges = model.TryGetProperty("ignore_merges", out var ignore) && ignore.ValueKind == JsonValueKind.True;
            var tokenizer = ignoreMerges ? ByteLevelRanks.Create(vocabulary, special, pattern, nfc) : Create(vocabulary, merges, special, pattern, nfc);
            return (new TokenizerParts(tokenizer, size, special), null, new Dictionary<string, (bool, bool)>());
        }
    }

    /// <summary>A byte-level BPE from its vocabulary (byte-to-unicode mapped keys), merge list and pre-tokenizer regex.</summary>
    public static Tokenizer Create(IEnumerable<KeyValuePair<string, int>> vocabulary, IEnumerable<string> merges, IReadOnlyDictionary<string, int> specialTokens, string pattern, bool nfc = false)
    {
        var options = new BpeOptions(vocabulary)
        {
            Merges = merges,
            ByteLevel = true,
            PreTokenizer = new RegexPreTokenizer(new Regex(pattern, RegexOptions.Compiled), specialTokens.Count > 0 ? specialTokens : null),
            SpecialTokens = specialTokens.Count > 0 ? specialTokens : null,
            Normalizer = nfc ? NfcNormalizer.Instance : null,
        };
        return BpeTokenizer.Create(options);
    }

    private static bool UsesByteLevel(JsonElement root) =>
        root.TryGetProperty("pre_tokenizer", out var pre) && pre.ValueKind == JsonValueKind.Object && pre.GetRawText().Contains("\"ByteLevel\"", StringComparison.Ordinal);

    // Newer byte-level tokenizers (Llama 3, Qwen) split with their own regex in a Split
    // pre-tokenizer before a ByteLevel one that no longer applies the GPT-2 regex.
    private static string? SplitPattern(JsonElement preTokenizer)
    {
        if (preTokenizer.TryGetProperty("type", out var type) && type.GetString() == "Split"
            && preTokenizer.TryGetProperty("pattern", out var pattern) && pattern.TryGetProperty("Regex", out var regex))
        {
            return regex.GetString();
        }

        if (preTokenizer.TryGetProperty("pretokenizers", out var children) && children.ValueKind == JsonValueKind.Array)
        {
            return children.EnumerateArray().Select(SplitPattern).FirstOrDefault(p => p is not null);
        }

        return null;
    }
}
