using System.Text.Json.Nodes;
using NUnit.Framework;
using Workflows.Torch.Tokenization;

namespace Workflows.Torch.Tests.Tokenization;

public class AddedTokensTests
{
    private static TextTokenizer Stories() => TokenizerLoader.Load(Path.Combine(SharedAssets.Stories260K, "tokenizer.model"), 1, [2]);

    private static readonly Dictionary<string, int> ChatMarkers = new() { ["<|im_start|>"] = 512, ["<|im_end|>"] = 513 };

    [Test]
    public void WithAddedTokens_SentencePieceBase_EncodesEachMarkerToItsOneId()
    {
        var tokenizer = Stories().WithAddedTokens(ChatMarkers);
        var ids = tokenizer.Encode("<|im_start|>user\nHi<|im_end|>\n", addBos: false);
        Assert.That(tokenizer.VocabularySize, Is.EqualTo(514));
        Assert.That(ids.Count(i => i == 512), Is.EqualTo(1));
        Assert.That(ids.Count(i => i == 513), Is.EqualTo(1));
        Assert.That(ids.Where(i => i < 512), Is.Not.Empty);
        Assert.That(tokenizer.Decode(ids), Does.StartWith("user\nHi"));                         // added tokens decode to nothing, as skip_special_tokens
    }

    [Test]
    public void Encode_WithoutAddedTokens_SpellsMarkersInPieces()
    {
        var ids = Stories().Encode("<|im_end|>", addBos: false);
        Assert.That(ids.Count, Is.GreaterThan(3));
        Assert.That(ids, Has.All.LessThan(512));
    }

    [Test]
    public void Number_SkipsTokensTheVocabularyHas_AndCountsOnFromItsEnd()
    {
        var numbered = AddedTokens.Number(Stories(), ["<|eot_id|>", "</s>", "<|start_header_id|>", "<|eot_id|>"]);
        Assert.That(numbered, Is.EqualTo(new Dictionary<string, int> { ["<|eot_id|>"] = 512, ["<|start_header_id|>"] = 513 }));
    }

    [Test]
    public void WriteTokenizerFiles_SentencePieceBase_LoadsBackWithTheTokensAndTemplate()
    {
        using var folder = new TemporaryFolder();
        AddedTokens.WriteTokenizerFiles(Stories(), ChatMarkers, "{{ messages }}", folder.Path);
        var loaded = TokenizerLoader.Load(folder.File("tokenizer.model"), 1, [2]);
        Assert.That(loaded.SpecialTokenId("<|im_end|>"), Is.EqualTo(513));
        Assert.That(loaded.VocabularySize, Is.EqualTo(514));
        var config = JsonNode.Parse(File.ReadAllText(folder.File("tokenizer_config.json")))!;
        Assert.That((string?)config["added_tokens_decoder"]!["513"]!["content"], Is.EqualTo("<|im_end|>"));
        Assert.That((bool?)config["added_tokens_decoder"]!["513"]!["special"], Is.True);
        Assert.That((string?)config["chat_template"], Is.EqualTo("{{ messages }}"));
        Assert.That(JsonNode.Parse(File.ReadAllText(folder.File("special_tokens_map.json")))!["additional_special_tokens"]!.AsArray().Select(t => (string?)t),
            Is.EqualTo(new[] { "<|im_start|>", "<|im_end|>" }));
    }

    [Test]
    public void WriteTokenizerFiles_TokenizerJsonBase_AppendsToAddedTokens()
    {
        using var folder = new TemporaryFolder();
        var mistral = TokenizerLoader.Load(Path.Combine(TokenizerVectors.Families, "mistral-7b-instruct-v0.3", "tokenizer.json"), 1, [2]);
        var added = AddedTokens.Number(mistral, ["<|im_end|>"]);
        AddedTokens.WriteTokenizerFiles(mistral, added, null, folder.Path);
        var loaded = TokenizerLoader.Load(folder.File("tokenizer.json"), 1, [2]);
        Assert.That(loaded.SpecialTokenId("<|im_end|>"), Is.EqualTo(mistral.VocabularySize));
        Assert.That(loaded.Encode("Hi<|im_end|>", addBos: false)[^1], Is.EqualTo(mistral.VocabularySize));
    }

    [Test]
    public void Load_TokenizerConfigAddedTokensDecoder_AddsTokensBeyondTheModelsPieces()
    {
        using var folder = new TemporaryFolder();
        File.Copy(Path.Combine(SharedAssets.Stories260K, "tokenizer.model"), folder.File("tokenizer.model"));
        File.WriteAllText(folder.File("tokenizer_config.json"), "{\"added_tokens_decoder\": {\"512\": {\"content\": \"<|im_end|>\", \"special\": true}}}");
        var tokenizer = TokenizerLoader.Load(folder.File("tokenizer.model"), 1, [2]);
        Assert.That(tokenizer.SpecialTokenId("<|im_end|>"), Is.EqualTo(512));
        Assert.That(Workflows.Torch.Gguf.GgufVocabulary.Read(folder.File("tokenizer.model")).Tokens[512], Is.EqualTo("<|im_end|>"));
        Assert.That(Workflows.Torch.Gguf.GgufVocabulary.Read(folder.File("tokenizer.model")).Types[512], Is.EqualTo(3));
    }

    [Test]
    public void ForModel_TokenizerJsonBesideTokenizerModel_LoadsTheJsonAsTransformersDoes()
    {
        using var folder = new TemporaryFolder();
        foreach (var name in new[] { "tokenizer.model", "tokenizer.json", "config.json" })
            File.Copy(Path.Combine(TokenizerVectors.Families, "mistral-7b-instruct-v0.3", name), folder.File(name));
        var config = Workflows.Torch.Llama.LlamaConfig.Load(folder.File("config.json"));
        var tokenizer = TokenizerLoader.ForModel(folder.Path, config);
        var json = TokenizerLoader.Load(folder.File("tokenizer.json"), 1, [2]);
        var model = TokenizerLoader.Load(folder.File("tokenizer.model"), 1, [2]);
        const string text = "[INST] What is it?[/INST]";                                            // reference text 48: the two files disagree
        Assert.That(Path.GetFileName(tokenizer.Source), Is.EqualTo("tokenizer.json"));
        Assert.That(tokenizer.Encode(text, false), Is.EqualTo(json.Encode(text, false)));
        Assert.That(model.Encode(text, false), Is.Not.EqualTo(json.Encode(text, false)));
        Assert.That(Workflows.Torch.Gguf.GgufVocabulary.For(tokenizer.Source).Model, Is.EqualTo("llama"), "GGUF keeps the SentencePiece model, as llama.cpp's converter");
    }
}
