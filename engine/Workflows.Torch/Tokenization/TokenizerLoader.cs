using Microsoft.ML.Tokenizers;
using Workflows.Torch.Llama;

namespace Workflows.Torch.Tokenization;

/// <summary>Finds and loads the tokenizer that belongs to a model.</summary>
public static class TokenizerLoader
{
    /// <summary>
    /// Loads the tokenizer of the model at <paramref name="modelPath"/>: for a folder,
    /// <c>tokenizer.model</c> (SentencePiece) else <c>tokenizer.json</c> (byte-level BPE); for a
    /// llama2.c <c>.bin</c>, <c>tokenizer.model</c> or <c>tok{vocab}.model</c> beside it, else the
    /// llama2.c tokenizer export <c>tokenizer.bin</c> or <c>tok{vocab}.bin</c>. BOS/EOS come
    /// from <paramref name="config"/>.
    /// </summary>
    /// <exception cref="ModelLoadException">No tokenizer found, unreadable, or more ids than the model's vocabulary.</exception>
    public static TextTokenizer ForModel(string modelPath, LlamaConfig config)
    {
        var folder = Directory.Exists(modelPath) ? modelPath : Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        var candidates = new[] { "tokenizer.model", $"tok{config.VocabSize}.model", "tokenizer.json", "tokenizer.bin", $"tok{config.VocabSize}.bin" }
            .Select(name => Path.Combine(folder, name))
            .ToList();
        var found = candidates.FirstOrDefault(File.Exists)
            ?? throw new ModelLoadException($"{folder}: no tokenizer found (looked for {string.Join(", ", candidates.Select(Path.GetFileName))}); put the model's tokenizer beside it");
        return Load(found, config);
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

    /// <summary>Loads <paramref name="path"/> with explicit special ids.</summary>
    public static TextTokenizer Load(string path, int? bosId, IReadOnlyList<int> eosIds)
    {
        if (!File.Exists(path))
        {
            throw new ModelLoadException($"{path}: tokenizer file not found");
        }

        try
        {
            if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            {
                var (bpe, size) = HfTokenizerJson.Load(path);
                return new TextTokenizer(bpe, size, bosId, eosIds, path);
            }

            using Stream stream = path.EndsWith(".bin", StringComparison.OrdinalIgnoreCase)
                ? new MemoryStream(Llama2cTokenizerConverter.ToSentencePieceModel(path))
                : File.OpenRead(path);
            var sentencePiece = LlamaTokenizer.Create(stream, addBeginOfSentence: false, addEndOfSentence: false);
            return new TextTokenizer(sentencePiece, sentencePiece.Vocabulary.Count, bosId, eosIds, path);
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
}
