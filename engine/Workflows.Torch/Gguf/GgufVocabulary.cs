using System.Text.Json;
using Google.Protobuf;
using Workflows.Torch.Tokenization;

namespace Workflows.Torch.Gguf;

/// <summary>
/// A tokenizer as GGUF stores it (<c>tokenizer.ggml.*</c>): <c>llama</c> (SentencePiece: pieces,
/// scores, piece types) or <c>gpt2</c> (byte-level BPE: tokens, types, merges). Token types are
/// llama.cpp's <c>llama_token_type</c>, which equal SentencePiece's piece types.
/// </summary>
/// <param name="Model">GGUF tokenizer model name: <c>llama</c> or <c>gpt2</c>.</param>
/// <param name="Tokens">Token text by id.</param>
/// <param name="Scores">SentencePiece scores by id, or null (BPE).</param>
/// <param name="Types">Token type by id: 1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte.</param>
/// <param name="Merges">BPE merges ("a b"), or null (SentencePiece).</param>
/// <param name="AddSpacePrefix">SentencePiece's add_dummy_prefix.</param>
public sealed record GgufVocabulary(string Model, IReadOnlyList<string> Tokens, IReadOnlyList<float>? Scores,
    IReadOnlyList<int> Types, IReadOnlyList<string>? Merges, bool AddSpacePrefix)
{
    /// <summary>The vocabulary llama.cpp's converter writes for a model whose tokenizer is <paramref name="tokenizerFile"/>:
    /// a SentencePiece <c>tokenizer.model</c> beside it wins over <c>tokenizer.json</c> (with the added tokens of
    /// <c>tokenizer_config.json</c> and <c>added_tokens.json</c>), else the file itself.</summary>
    public static GgufVocabulary For(string tokenizerFile)
    {
        var sentencePiece = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(tokenizerFile))!, "tokenizer.model");
        return Read(File.Exists(sentencePiece) && !Llama3Tiktoken.IsTiktokenFile(sentencePiece) ? sentencePiece : tokenizerFile);
    }

    /// <summary>Reads the tokenizer file a model uses (<c>.model</c>, llama2.c <c>.bin</c> or <c>tokenizer.json</c>).</summary>
    /// <exception cref="ModelLoadException">Unreadable or unsupported tokenizer.</exception>
    public static GgufVocabulary Read(string path)
    {
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) return ReadBpe(path);
        var bytes = path.EndsWith(".bin", StringComparison.OrdinalIgnoreCase) ? Llama2cTokenizerConverter.ToSentencePieceModel(path) : File.ReadAllBytes(path);
        try
        {
            var vocabulary = ReadSentencePiece(bytes);
            return path.EndsWith(".model", StringComparison.OrdinalIgnoreCase) ? vocabulary.WithAdded(AddedTokens.Read(Path.GetDirectoryName(Path.GetFullPath(path))!)) : vocabulary;
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelLoadException($"{path}: not a SentencePiece model ({e.Message})", e);
        }
    }

    // Tokens added beside a tokenizer.model (added_tokens.json) follow its pieces as CONTROL tokens, as
    // convert_hf_to_gguf.py writes special added tokens; a gap before one is filled with unused pieces.
    private GgufVocabulary WithAdded(IReadOnlyDictionary<string, int> added)
    {
        if (added.Count == 0) return this;
        var size = Math.Max(Tokens.Count, added.Values.Max() + 1);
        var tokens = Tokens.Concat(Enumerable.Range(Tokens.Count, size - Tokens.Count).Select(id => $"[PAD{id}]")).ToList();
        var scores = Scores!.Concat(Enumerable.Repeat(0f, size - Tokens.Count)).ToList();
        var types = Types.Concat(Enumerable.Repeat(5, size - Tokens.Count)).ToList();
        foreach (var (text, id) in added)
        {
            if (id < Tokens.Count) continue;                                           // already a piece of the model
            (tokens[id], types[id]) = (text, 3);
        }

        return this with { Tokens = tokens, Scores = scores, Types = types };
    }

    // ModelProto: 1 repeated SentencePiece {1 piece, 2 score, 3 type}, 3 NormalizerSpec {3 add_dummy_prefix}.
    private static GgufVocabulary ReadSentencePiece(byte[] bytes)
    {
        List<string> tokens = [];
        List<float> scores = [];
        List<int> types = [];
        var addPrefix = true;
        var input = new CodedInputStream(bytes);
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            if (tag == (1 << 3 | 2)) ReadPiece(input.ReadBytes().ToByteArray(), tokens, scores, types);
            else if (tag == (3 << 3 | 2))
            {
                var normalizer = new CodedInputStream(input.ReadBytes().ToByteArray());
                for (uint t; (t = normalizer.ReadTag()) != 0;)
                    if (t == (3 << 3 | 0)) addPrefix = normalizer.ReadBool(); else normalizer.SkipLastField();
            }
            else input.SkipLastField();
        }

        return new GgufVocabulary("llama", tokens, scores, types, null, addPrefix);
    }

    private static void ReadPiece(byte[] bytes, List<string> tokens, List<float> scores, List<int> types)
    {
        var (piece, score, type) = ("", 0f, 1);
        var input = new CodedInputStream(bytes);
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            switch (tag >> 3)
            {
                case 1: piece = input.ReadString(); break;
                case 2: score = input.ReadFloat(); break;
                case 3: type = input.ReadEnum(); break;
                default: input.SkipLastField(); break;
            }
        }

        tokens.Add(piece);
        scores.Add(score);
        types.Add(type);
    }

    private static GgufVocabulary ReadBpe(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var model = document.RootElement.GetProperty("model");
        if (model.GetProperty("type").GetString() != "BPE") throw new ModelLoadException($"{path}: only BPE tokenizer.json can be written to GGUF");
        var byId = new SortedDictionary<int, (string Text, int Type)>();
        foreach (var entry in model.GetProperty("vocab").EnumerateObject()) byId[entry.Value.GetInt32()] = (entry.Name, 1);
        if (document.RootElement.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
            foreach (var token in added.EnumerateArray())
                byId[token.GetProperty("id").GetInt32()] = (token.GetProperty("content").GetString()!,
                    token.TryGetProperty("special", out var special) && special.GetBoolean() ? 3 : 4);
        var count = byId.Count == 0 ? 0 : byId.Keys.Max() + 1;
        var tokens = Enumerable.Range(0, count).Select(id => byId.TryGetValue(id, out var t) ? t.Text : $"[PAD{id}]").ToList();
        var types = Enumerable.Range(0, count).Select(id => byId.TryGetValue(id, out var t) ? t.Type : 5).ToList();
        var merges = model.GetProperty("merges").EnumerateArray()
            .Select(m => m.ValueKind == JsonValueKind.Array ? $"{m[0].GetString()} {m[1].GetString()}" : m.GetString()!).ToList();
        return new GgufVocabulary("gpt2", tokens, null, types, merges, false);
    }
}
