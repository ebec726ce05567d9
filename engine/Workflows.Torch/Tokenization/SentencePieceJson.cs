using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace Workflows.Torch.Tokenization;

/// <summary>
/// A SentencePiece-style <c>tokenizer.json</c> (BPE with byte fallback and "▁" for spaces: Mistral,
/// Phi-3.5, Llama 2) turned back into a SentencePiece model for Microsoft.ML.Tokenizers. A piece made
/// by a merge scores minus that merge's rank, so SentencePiece's best-score-first merging follows
/// the merge list. HF's leading-space rule is kept by <see cref="TextTokenizer"/>: a <c>Prepend</c>
/// normalizer or Metaspace <c>always</c> puts "▁" before every piece of text between special
/// tokens; Metaspace <c>first</c> only at the very start and never before a space.
/// </summary>
internal static class SentencePieceJson
{
    private const int Normal = 1, Unknown = 2, Control = 3, Byte = 6;

    public static bool Applies(JsonElement model) =>
        model.TryGetProperty("byte_fallback", out var fallback) && fallback.ValueKind == JsonValueKind.True;

    public static (TokenizerParts Parts, PrefixRule? Prefix, IReadOnlyDictionary<string, (bool Left, bool Right)> Strip) Load(JsonElement root, string path, IReadOnlyDictionary<string, int> extra)
    {
        var model = root.GetProperty("model");
        var pieces = model.GetProperty("vocab").EnumerateObject().ToDictionary(p => p.Value.GetInt32(), p => p.Name);
        var special = new Dictionary<string, int>(StringComparer.Ordinal);
        var strip = new Dictionary<string, (bool, bool)>(StringComparer.Ordinal);
        foreach (var token in root.TryGetProperty("added_tokens", out var added) ? added.EnumerateArray() : default)
        {
            var content = token.GetProperty("content").GetString()!;
            special[content] = token.GetProperty("id").GetInt32();
            pieces[special[content]] = content;
            var (left, right) = (token.TryGetProperty("lstrip", out var l) && l.GetBoolean(), token.TryGetProperty("rstrip", out var r) && r.GetBoolean());
            if (left || right) strip[content] = (left, right);
        }

        foreach (var (text, id) in extra)
        {
            special[text] = id;
            pieces[id] = text;
        }

        var scores = new Dictionary<string, float>(StringComparer.Ordinal);
        var rank = 0;
        foreach (var merge in model.GetProperty("merges").EnumerateArray())
        {
            var joined = merge.ValueKind == JsonValueKind.Array ? merge[0].GetString() + merge[1].GetString() : merge.GetString()!.Replace(" ", "", StringComparison.Ordinal);
            scores.TryAdd(joined, -rank++);
        }

        var unknown = model.TryGetProperty("unk_token", out var unk) && unk.ValueKind == JsonValueKind.String ? unk.GetString() : "<unk>";
        var size = pieces.Keys.Max() + 1;
        var proto = new ProtoWriter();
        for (var id = 0; id < size; id++)
        {
            var piece = pieces.TryGetValue(id, out var p) ? p : $"<unused{id}>";
            var type = piece == unknown ? Unknown : special.ContainsKey(piece) ? Control
                : piece.Length == 6 && piece.StartsWith("<0x", StringComparison.Ordinal) && piece.EndsWith('>') ? Byte : Normal;
            // Single characters are never merged into; multi-character pieces no merge makes must never form.
            var score = scores.TryGetValue(piece, out var s) ? s : piece.Length == 1 || type != Normal ? 0f : -1e9f;
            proto.Message(1, new ProtoWriter().String(1, piece).Float(2, score).Varint(3, type));
        }

        var prefix = Prefix(root);
        var unkId = unknown is not null && special.TryGetValue(unknown, out var u) ? u : 0;
        var trainer = new ProtoWriter().Varint(3, 2).Varint(4, size).Varint(35, 1).Varint(40, unkId).Varint(41, -1).Varint(42, -1).Varint(43, -1);
        var normalizer = new ProtoWriter().String(1, "identity").Varint(3, 0).Varint(4, 0).Varint(5, 1);
        using var stream = new MemoryStream(proto.Message(2, trainer).Message(3, normalizer).ToArray());
        var tokenizer = LlamaTokenizer.Create(stream, addBeginOfSentence: false, addEndOfSentence: false, special);
        return (new TokenizerParts(tokenizer, size, special), prefix, strip);
    }

    private static PrefixRule Prefix(JsonElement root)
    {
        var normalizer = root.TryGetProperty("normalizer", out var n) ? n.GetRawText() : "";
        var pre = root.TryGetProperty("pre_tokenizer", out var t) ? t.GetRawText() : "";
        if (normalizer.Contains("\"Prepend\"", StringComparison.Ordinal)) return PrefixRule.Always;
        if (pre.Contains("\"Metaspace\"", StringComparison.Ordinal))
        {
            return pre.Contains("\"first\"", StringComparison.Ordinal) ? PrefixRule.First
                : pre.Contains("\"never\"", StringComparison.Ordinal) ? PrefixRule.Never : PrefixRule.Always;
        }

        return PrefixRule.Never;
    }
}
