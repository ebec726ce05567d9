using Microsoft.ML.Tokenizers;
using Workflows.Torch.Llama;

namespace Workflows.Torch.Tokenization;

/// <summary>Finds and loads the tokenizer that belongs to a model.</summary>
public static class TokenizerLoader
{
    /// <summary>
    /// Loads the tokenizer of the model at <paramref name="modelPath"/>: for a folder,
    /// <c>tokenizer.json</c> (what transformers' fast tokenizers, its default, load: byte-level or
    /// SentencePiece-style BPE with its added tokens) else <c>tokenizer.model</c> (SentencePiece, or Meta's
    /// tiktoken format for Llama 3; also when the tokenizer.json is of a kind not supported here) else
    /// <c>vocab.json</c> + <c>merges.txt</c>; for a
    /// llama2.c <c>.bin</c>, <c>tokenizer.model</c> or <c>tok{vocab}.model</c> beside it, else the
    /// llama2.c tokenizer export <c>tokenizer.bin</c> or <c>tok{vocab}.bin</c>. BOS/EOS come
    /// from <paramref name="config"/>; the <c>eos_token_id</c> list of a <c>generation_config.json</c>
    /// beside it adds the ids generation stops at (Llama 3's <c>&lt;|eot_id|&gt;</c>, Qwen's <c>&lt;|im_end|&gt;</c>).
    /// </summary>
    /// <exception cref="ModelLoadException">No tokenizer found, unreadable, or more ids than the model's vocabulary.</exception>
    public static TextTokenizer ForModel(string modelPath, LlamaConfig config)
    {
        var folder = Directory.Exists(modelPath) ? modelPath : Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        var candidates = new[] { "tokenizer.json", "tokenizer.model", $"tok{config.VocabSize}.model", "vocab.json", "tokenizer.bin", $"tok{config.VocabSize}.bin" }
            .Select(name => Path.Combine(folder, name))
            .ToList();
        var found = candidates.Where(File.Exists).ToList();
        if (found.Count == 0)
            throw new ModelLoadException($"{folder}: no tokenizer found (looked for {string.Join(", ", candidates.Select(Path.GetFileName))}); put the model's tokenizer beside it");
        TextTokenizer tokenizer;
        try
        {
            tokenizer = Load(found[0], config);
        }
        catch (ModelLoadException) when (found.Count > 1 && Path.GetFileName(found[0]) == "tokenizer.json" && Path.GetFileName(found[1]).EndsWith(".model", StringComparison.Ordinal))
        {
            tokenizer = Load(found[1], config);                                  // e.g. a Unigram tokenizer.json beside its SentencePiece model
        }

        return tokenizer.WithEosIds(GenerationEosIds(Path.Combine(folder, "generation_config.json")));
    }

    /// <summary>
    /// Loads <paramref name="path"/> (<c>.model</c> SentencePiece, <c>tokenizer.json</c> byte-level
    /// BPE, or a llama2.c <c>.bin</c> tokenizer export) and checks it against <paramref name="config"/>.
    /// </summary>
    public static TextTokenizer Load(string path, LlamaConfig config)
    {
        var tokenizer = Load(path, config.BosTokenId, config.EosTokenIds);
        if (tokenizer.VocabularySize > config.VocabSize)
        {
            throw new ModelLoadException($"{path}: tokenizer has {tokenizer.VocabularySize} tokens but the model's vocab_size is {config.VocabSize}; use the tokenizer that came with the model");
        }

        return tokenizer;
    }

    /// <summary>Loads <paramref name="path"/> with explicit special ids. Tokens added to the vocabulary come
    /// from <c>added_tokens.json</c> beside a <c>.model</c>, the <c>added_tokens</c> of a <c>tokenizer.json</c>,
    /// and <paramref name="added"/> (an adapter's, which may extend a base tokenizer it does not ship).</summary>
    public static TextTokenizer Load(string path, int? bosId, IReadOnlyList<int> eosIds, IReadOnlyDictionary<string, int>? added = null)
    {
        added ??= new Dictionary<string, int>();
        if (!File.Exists(path))
        {
            throw new ModelLoadException($"{path}: tokenizer file not found");
        }

        try
        {
            var name = Path.GetFileName(path);
            if (name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && !name.Equals("vocab.json", StringComparison.OrdinalIgnoreCase))
            {
                return HfTokenizerJson.Load(path, bosId, eosIds, added);
            }

            if (name.Equals("vocab.json", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".tiktoken", StringComparison.OrdinalIgnoreCase) || (name.EndsWith(".model", StringComparison.OrdinalIgnoreCase) && Llama3Tiktoken.IsTiktokenFile(path)))
            {
                if (added.Count > 0) throw new ModelLoadException($"{path}: tokens can only be added to tokenizer.model (SentencePiece) or tokenizer.json tokenizers");
                var parts = name.Equals("vocab.json", StringComparison.OrdinalIgnoreCase) ? BpeVocabFiles.Load(path) : Llama3Tiktoken.Load(path);
                return new TextTokenizer(parts.Tokenizer, parts.VocabularySize, bosId, eosIds, path, parts.SpecialTokens);
            }

            var model = path.EndsWith(".bin", StringComparison.OrdinalIgnoreCase)
                ? Llama2cTokenizerConverter.ToSentencePieceModel(path)
                : File.ReadAllBytes(path);
            var special = new Dictionary<string, int>(SentencePieceSpecials.Read(model), StringComparer.Ordinal);
            var beside = path.EndsWith(".model", StringComparison.OrdinalIgnoreCase) ? AddedTokens.Read(Path.GetDirectoryName(Path.GetFullPath(path))!) : new Dictionary<string, int>();
            foreach (var (text, id) in beside.Concat(added)) special[text] = id;
            using var stream = new MemoryStream(model);
            var sentencePiece = LlamaTokenizer.Create(stream, addBeginOfSentence: false, addEndOfSentence: false, special);
            var size = Math.Max(sentencePiece.Vocabulary.Count, special.Values.DefaultIfEmpty(-1).Max() + 1);
            return new TextTokenizer(sentencePiece, size, bosId, eosIds, path, special);
        }
        catch (ModelLoadException)
        {
            throw;
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or FormatException or InvalidOperationException
                                      or Google.Protobuf.InvalidProtocolBufferException)
        {
            throw new ModelLoadException($"{path}: not a readable tokenizer ({e.Message.Split('\n')[0]})", e);
        }
    }

    private static IReadOnlyList<int> GenerationEosIds(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(path));
            return document.RootElement.TryGetProperty("eos_token_id", out var eos) ? eos.ValueKind switch
            {
                System.Text.Json.JsonValueKind.Number => [eos.GetInt32()],
                System.Text.Json.JsonValueKind.Array => eos.EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                _ => [],
            } : [];
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            throw new ModelLoadException($"{path}: eos_token_id must be a number or a list of numbers ({e.Message.Split('\n')[0]})", e);
        }
    }
}
