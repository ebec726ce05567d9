using Microsoft.ML.Tokenizers;

namespace Workflows.Torch.Tokenization;

/// <summary>
/// A tokenizer with the model's special ids attached. Encoding never adds special tokens by itself:
/// callers say whether a BOS goes first, so prompts, training rows and evaluation agree.
/// </summary>
public sealed class TextTokenizer
{
    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The Microsoft.ML.Tokenizers tokenizer, created without automatic BOS/EOS.</param>
    /// <param name="vocabularySize">Number of ids the tokenizer can produce.</param>
    /// <param name="bosId">Beginning-of-sequence id, or null when the model has none.</param>
    /// <param name="eosIds">End-of-sequence ids (may be empty).</param>
    /// <param name="source">The file it was read from, for messages.</param>
    /// <param name="specialTokens">Added/special tokens (text → id) that encode whole; null for none.</param>
    public TextTokenizer(Tokenizer inner, int vocabularySize, int? bosId, IReadOnlyList<int> eosIds, string source,
        IReadOnlyDictionary<string, int>? specialTokens = null)
    {
        SpecialTokens = specialTokens ?? new Dictionary<string, int>();
        Inner = inner;
        VocabularySize = vocabularySize;
        BosId = bosId;
        EosIds = eosIds;
        Source = source;
    }

    /// <summary>The underlying Microsoft.ML.Tokenizers tokenizer.</summary>
    public Tokenizer Inner { get; }

    /// <summary>Number of ids the tokenizer can produce.</summary>
    public int VocabularySize { get; }

    /// <summary>Beginning-of-sequence id (from the model config), or null.</summary>
    public int? BosId { get; }

    /// <summary>End-of-sequence ids (from the model config).</summary>
    public IReadOnlyList<int> EosIds { get; }

    /// <summary>Added/special tokens (<c>&lt;|eot_id|&gt;</c>, <c>&lt;|im_end|&gt;</c>, <c>[INST]</c>…) by text;
    /// in input text each encodes to its one id.</summary>
    public IReadOnlyDictionary<string, int> SpecialTokens { get; }

    /// <summary>The id of <paramref name="text"/> when it is one special token of this tokenizer, else null.</summary>
    public int? SpecialTokenId(string text) => SpecialTokens.TryGetValue(text, out var id) ? id : null;

    /// <summary>The same tokenizer with <paramref name="ids"/> added to <see cref="EosIds"/> (after the
    /// existing ones, so <c>EosIds[0]</c> stays the model's own end of sequence).</summary>
    public TextTokenizer WithEosIds(IEnumerable<int> ids) =>
        new(Inner, VocabularySize, BosId, EosIds.Concat(ids.Where(id => !EosIds.Contains(id))).ToArray(), Source, SpecialTokens)
        {
            Prefix = Prefix,
            StripAround = StripAround,
        };

    /// <summary>The same tokenizer with <paramref name="added"/> tokens in its vocabulary (each encodes whole
    /// to its id), as an adapter trained with added tokens extends its base's tokenizer; itself when none.</summary>
    /// <exception cref="ModelLoadException">This kind of tokenizer file cannot take added tokens.</exception>
    public TextTokenizer WithAddedTokens(IReadOnlyDictionary<string, int> added) =>
        added.All(p => SpecialTokenId(p.Key) == p.Value) ? this : TokenizerLoader.Load(Source, BosId, EosIds, added);

    /// <summary>For SentencePiece-style tokenizer.json files: where HF writes "▁" before text (the inner
    /// tokenizer adds no dummy prefix itself, and special tokens are split out here first, as HF does);
    /// decoding drops one leading space again (HF's Strip decoder). Null: the inner tokenizer decides.</summary>
    internal PrefixRule? Prefix { get; init; }

    /// <summary>Whitespace that added tokens swallow on their left/right (HF <c>lstrip</c>/<c>rstrip</c>), as a regex.</summary>
    internal System.Text.RegularExpressions.Regex? StripAround { get; init; }

    private IReadOnlyList<int> EncodeText(string text)
    {
        if (StripAround is not null) text = StripAround.Replace(text, m => m.Groups["t"].Value);
        if (Prefix is not { } rule) return Inner.EncodeToIds(text);
        var ids = new List<int>();
        var offset = 0;
        foreach (var part in SpecialTokenSplit.Value.Split(text))
        {
            if (SpecialTokens.TryGetValue(part, out var special))
            {
                ids.Add(special);
            }
            else if (part.Length > 0)
            {
                var prefixed = rule == PrefixRule.Always || (rule == PrefixRule.First && offset == 0 && part[0] != ' ');
                ids.AddRange(Inner.EncodeToIds(prefixed ? " " + part : part));
            }

            offset += part.Length;
        }

        return ids;
    }

    private Lazy<System.Text.RegularExpressions.Regex> SpecialTokenSplit => _split ??= new(() => new System.Text.RegularExpressions.Regex(
        "(" + string.Join("|", SpecialTokens.Keys.OrderByDescending(k => k.Length).Select(System.Text.RegularExpressions.Regex.Escape)) + ")"));

    private Lazy<System.Text.RegularExpressions.Regex>? _split;

    /// <summary>The file the tokenizer was read from.</summary>
    public string Source { get; }

    /// <summary>Token ids of <paramref name="text"/>, preceded by BOS when <paramref name="addBos"/> and the model has one.</summary>
    public IReadOnlyList<int> Encode(string text, bool addBos = true)
    {
        var ids = EncodeText(text);
        if (!addBos || BosId is null)
        {
            return ids;
        }

        var withBos = new List<int>(ids.Count + 1) { BosId.Value };
        withBos.AddRange(ids);
        return withBos;
    }

    /// <summary>Text of <paramref name="ids"/>, with BOS/EOS ids left out.</summary>
    public string Decode(IEnumerable<int> ids)
    {
        var text = Inner.Decode(ids.Where(id => id != BosId && !EosIds.Contains(id))) ?? string.Empty;
        return Prefix is PrefixRule.Always or PrefixRule.First && text.StartsWith(' ') ? text[1..] : text;
    }
}
