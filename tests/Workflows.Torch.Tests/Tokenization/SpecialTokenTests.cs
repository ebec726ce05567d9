using NUnit.Framework;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;

namespace Workflows.Torch.Tests.Tokenization;

public class SpecialTokenTests
{
    private static string Family(string path) => Path.Combine(TokenizerVectors.Families, path);

    [Test]
    public void Load_Llama3Tiktoken_NamesSpecialTokensAsTokenizerJson()
    {
        var tiktoken = TokenizerLoader.Load(Family("llama-3.2-1b-instruct/tokenizer.model.tiktoken"), 128000, [128009]);
        var json = TokenizerLoader.Load(Family("llama-3.2-1b-instruct/tokenizer.json"), 128000, [128009]);
        Assert.That(tiktoken.SpecialTokens, Is.EquivalentTo(json.SpecialTokens));
        Assert.That(tiktoken.VocabularySize, Is.EqualTo(128256));
    }

    [TestCase("llama-3.2-1b-instruct/tokenizer.json", "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>", new[] { 128006, 882, 128007, 271, 13347, 128009 })]
    [TestCase("qwen2.5-0.5b-instruct/vocab.json", "<|im_start|>user\nHi<|im_end|>", new[] { 151644, 872, 198, 13048, 151645 })]
    [TestCase("mistral-7b-instruct-v0.3/tokenizer.model", "[INST]Hi[/INST]", new[] { 3, 16127, 4 })]
    public void Encode_ChatMarkers_EncodeToOneIdEach(string file, string text, int[] expected)
    {
        var tokenizer = TokenizerLoader.Load(Family(file), null, []);
        Assert.That(tokenizer.Encode(text, addBos: false), Is.EqualTo(expected));
    }

    [Test]
    public void ForModel_GenerationConfigEosList_StopsAtEveryEndOfTurnId()
    {
        using var folder = new TemporaryFolder();
        foreach (var name in new[] { "config.json", "generation_config.json", "vocab.json", "merges.txt", "tokenizer_config.json" })
        {
            File.Copy(Family(Path.Combine("qwen2.5-0.5b-instruct", name)), folder.File(name));
        }

        var config = System.Text.Json.JsonSerializer.Deserialize<LlamaConfig>(File.ReadAllBytes(folder.File("config.json")))!;
        var tokenizer = TokenizerLoader.ForModel(folder.Path, config);
        Assert.That(tokenizer.EosIds, Is.EqualTo(new[] { 151645, 151643 }));
        Assert.That(tokenizer.SpecialTokenId("<|im_end|>"), Is.EqualTo(151645));
    }
}
