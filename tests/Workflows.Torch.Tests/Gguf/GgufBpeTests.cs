using System.Text.Json;
using NUnit.Framework;
using Workflows.Torch.Gguf;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;

namespace Workflows.Torch.Tests.Gguf;

/// <summary>A byte-level BPE vocabulary (GPT-2's) written to GGUF and read by the real llama.cpp.</summary>
[TestFixture]
public sealed class GgufBpeTests
{
    private static string Gpt2Folder => Path.Combine(SharedAssets.Shared, "tokenizers", "gpt2-bpe");

    [Test]
    public void Write_Gpt2Vocabulary_LlamaCppTokenisesAndScoresLikeUs()
    {
        using var folder = new TemporaryFolder();
        var tokenizerPath = folder.File("tokenizer.json");
        WriteTokenizerJson(tokenizerPath);
        var config = new LlamaConfig
        {
            HiddenSize = 64, IntermediateSize = 128, NumHiddenLayers = 2, NumAttentionHeads = 4, NumKeyValueHeads = 2,
            VocabSize = 50257, MaxPositionEmbeddings = 128, BosTokenId = null, EosTokenIdValue = JsonDocument.Parse("50256").RootElement,
        };
        using var model = LlamaLoader.CreateRandom(config, seed: 5);
        var tokenizer = TokenizerLoader.Load(tokenizerPath, config);
        var path = folder.File("gpt2.gguf");
        GgufExporter.Write(model, GgufVocabulary.Read(tokenizerPath), new GgufExportOptions(GgufTensorType.F32, "random-gpt2-vocab"), path);

        const string text = "Hello world, this is a byte-level BPE test: naïve café 123.";
        var comparison = GgufComparison.Run(model, tokenizer, path, text, 8, text);
        using var cpp = LlamaCppModel.Load(path);

        Assert.Multiple(() =>
        {
            Assert.That(cpp.Tokenize(text), Is.EqualTo(tokenizer.Encode(text)), "llama.cpp's gpt2 tokenizer splits like ours");
            Assert.That(comparison.TheirGreedy, Is.EqualTo(comparison.OurGreedy));
            Assert.That(comparison.MeanAbsLogLikelihoodDifference, Is.LessThan(0.002));
        });
    }

    private static void WriteTokenizerJson(string path)
    {
        var vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(Path.Combine(Gpt2Folder, "gpt2_vocab.json")))!;
        var merges = File.ReadLines(Path.Combine(Gpt2Folder, "gpt2_merges.txt")).Where(l => l.Length > 0 && !l.StartsWith("#version", StringComparison.Ordinal)).ToList();
        var document = new
        {
            version = "1.0",
            added_tokens = new[] { new { id = 50256, content = "<|endoftext|>", special = true } },
            pre_tokenizer = new { type = "ByteLevel", add_prefix_space = false, trim_offsets = true, use_regex = true },
            decoder = new { type = "ByteLevel" },
            model = new { type = "BPE", vocab, merges },
        };
        File.WriteAllText(path, JsonSerializer.Serialize(document));
    }
}
