using System.Text.Json;
using NUnit.Framework;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;

namespace Workflows.Torch.Tests.Tokenization;

public class TokenizerLoaderTests
{
    private static string Llama2Model => Path.Combine(SharedAssets.Shared, "tokenizers", "llama2-32k", "tokenizer.model");

    private static string Gpt2Folder => Path.Combine(SharedAssets.Shared, "tokenizers", "gpt2-bpe");

    [Test]
    public void Load_Llama2SentencePiece_EncodesKnownIds()
    {
        var tokenizer = TokenizerLoader.Load(Llama2Model, 1, [2]);
        Assert.That(tokenizer.VocabularySize, Is.EqualTo(32000));
        Assert.That(tokenizer.Encode("Hello world"), Is.EqualTo(new[] { 1, 15043, 3186 }));
        Assert.That(tokenizer.Encode("Hello world", addBos: false), Is.EqualTo(new[] { 15043, 3186 }));
        Assert.That(tokenizer.Decode([1, 15043, 3186, 2]), Is.EqualTo("Hello world"));
    }

    [Test]
    public void ForModel_Stories260K_UsesConfigSpecialIds()
    {
        var config = LlamaConfig.Load(Path.Combine(SharedAssets.Stories260K, "config.json"));
        var tokenizer = TokenizerLoader.ForModel(SharedAssets.Stories260K, config);
        Assert.That((tokenizer.VocabularySize, tokenizer.BosId), Is.EqualTo((512, (int?)1)));
        Assert.That(tokenizer.EosIds, Is.EqualTo(new[] { 2 }));
        var text = "Lily and Ben went to the café. They saw a ☃ dog!";   // é and ☃ need byte fallback
        Assert.That(tokenizer.Decode(tokenizer.Encode(text)), Is.EqualTo(text));
    }

    [Test]
    public void ForModel_Llama2cBinFolder_FindsTok512Model()
    {
        var config = LlamaConfig.Load(Path.Combine(SharedAssets.Stories260K, "config.json"));
        var tokenizer = TokenizerLoader.ForModel(SharedAssets.Stories260KBin, config);
        Assert.That(Path.GetFileName(tokenizer.Source), Is.EqualTo("tok512.model"));
    }

    [TestCase("llama2c/tok512.bin", "llama2c/tok512.model")]
    [TestCase("../../tokenizers/llama2-32k/tokenizer.bin", "../../tokenizers/llama2-32k/tokenizer.model")]
    public void Load_Llama2cTokenizerBin_EncodesLikeSentencePieceModel(string binPath, string modelPath)
    {
        var fromBin = TokenizerLoader.Load(Path.Combine(SharedAssets.Stories260K, binPath), 1, [2]);
        var fromModel = TokenizerLoader.Load(Path.Combine(SharedAssets.Stories260K, modelPath), 1, [2]);
        var stories = File.ReadLines(Path.Combine(SharedAssets.Shared, "data", "tinystories", "TinyStories-valid.txt")).Take(5).ToList();
        Assert.That(fromBin.VocabularySize, Is.EqualTo(fromModel.VocabularySize));
        Assert.That(stories.Select(s => fromBin.Encode(s)), Is.EqualTo(stories.Select(s => fromModel.Encode(s))));
        Assert.That(fromBin.Decode(fromBin.Encode(stories[0])), Is.EqualTo(stories[0]));
    }

    [Test]
    public void Load_TruncatedLlama2cTokenizerBin_ReportsTruncated()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllBytes(folder.File("tok512.bin"), File.ReadAllBytes(Path.Combine(SharedAssets.Stories260K, "llama2c", "tok512.bin")).AsSpan(0, 3001).ToArray());
        var error = Expect.Failure<ModelLoadException>(() => TokenizerLoader.Load(folder.File("tok512.bin"), 1, [2]));
        Assert.That(error.Message, Does.Contain("tok512.bin").And.Contain("truncated"));
    }

    [Test]
    public void Load_TokenizerBiggerThanModelVocab_NamesBothSizes()
    {
        var config = LlamaConfig.Load(Path.Combine(SharedAssets.Stories260K, "config.json"));
        var error = Expect.Failure<ModelLoadException>(() => TokenizerLoader.Load(Llama2Model, config));
        Assert.That(error.Message, Does.Contain("tokenizer.model").And.Contain("32000 tokens").And.Contain("vocab_size is 512"));
    }

    [Test]
    public void Load_HfTokenizerJsonGpt2_EncodesKnownIds()
    {
        using var folder = new TemporaryFolder();
        WriteGpt2TokenizerJson(folder.File("tokenizer.json"));
        var tokenizer = TokenizerLoader.Load(folder.File("tokenizer.json"), null, [50256]);
        Assert.That(tokenizer.VocabularySize, Is.EqualTo(50257));
        Assert.That(tokenizer.Encode("Hello world"), Is.EqualTo(new[] { 15496, 995 }));
        Assert.That(tokenizer.Encode("Once upon a time"), Is.EqualTo(new[] { 7454, 2402, 257, 640 }));
        var text = "It's 2024 — naïve café, isn't it?  Yes.";
        Assert.That(tokenizer.Decode(tokenizer.Encode(text)), Is.EqualTo(text));
    }

    [Test]
    public void Load_TokenizerJsonWithSplitRegex_UsesThatRegex()
    {
        using var folder = new TemporaryFolder();
        // A Split pre-tokenizer that isolates every character, so no merge can apply.
        WriteGpt2TokenizerJson(folder.File("tokenizer.json"), splitPattern: ".");
        var tokenizer = TokenizerLoader.Load(folder.File("tokenizer.json"), null, []);
        Assert.That(tokenizer.Encode("Hello world"), Has.Count.EqualTo("Hello world".Length));
        Assert.That(tokenizer.Decode(tokenizer.Encode("Hello world")), Is.EqualTo("Hello world"));
    }

    [Test]
    public void Load_TokenizerJsonNotBpe_SaysWhatIsSupported()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.File("tokenizer.json"), "{\"model\": {\"type\": \"Unigram\", \"vocab\": []}}");
        var error = Expect.Failure<ModelLoadException>(() => TokenizerLoader.Load(folder.File("tokenizer.json"), 1, [2]));
        Assert.That(error.Message, Does.Contain("tokenizer.json").And.Contain("only BPE"));
    }

    [Test]
    public void Load_GarbageModelFile_ReportsUnreadable()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllBytes(folder.File("tokenizer.model"), [0xff, 0xff, 0xff, 0x01, 0x02]);
        var error = Expect.Failure<ModelLoadException>(() => TokenizerLoader.Load(folder.File("tokenizer.model"), 1, [2]));
        Assert.That(error.Message, Does.Contain("tokenizer.model").And.Contain("not a readable tokenizer"));
    }

    [Test]
    public void ForModel_NoTokenizer_SaysWhereItLooked()
    {
        using var folder = new TemporaryFolder();
        var config = LlamaConfig.Load(Path.Combine(SharedAssets.Stories260K, "config.json"));
        var error = Expect.Failure<ModelLoadException>(() => TokenizerLoader.ForModel(folder.Path, config));
        Assert.That(error.Message, Does.Contain("no tokenizer found").And.Contain("tokenizer.json"));
    }

    // A tokenizer.json as Hugging Face's GPT-2 ships it, built from the shared vocab and merges.
    private static void WriteGpt2TokenizerJson(string path, string? splitPattern = null)
    {
        var vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(Path.Combine(Gpt2Folder, "gpt2_vocab.json")))!;
        var merges = File.ReadLines(Path.Combine(Gpt2Folder, "gpt2_merges.txt")).Where(l => l.Length > 0 && !l.StartsWith("#version", StringComparison.Ordinal)).ToList();
        var document = new
        {
            version = "1.0",
            added_tokens = new[] { new { id = 50256, content = "<|endoftext|>", special = true } },
            pre_tokenizer = splitPattern is null
                ? (object)new { type = "ByteLevel", add_prefix_space = false, trim_offsets = true, use_regex = true }
                : new { type = "Sequence", pretokenizers = new object[] { new { type = "Split", pattern = new { Regex = splitPattern }, behavior = "Isolated" }, new { type = "ByteLevel", add_prefix_space = false, use_regex = false } } },
            decoder = new { type = "ByteLevel" },
            model = new { type = "BPE", vocab, merges },
        };
        File.WriteAllText(path, JsonSerializer.Serialize(document));
    }
}
