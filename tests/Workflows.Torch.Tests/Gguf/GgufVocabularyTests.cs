using NUnit.Framework;
using Workflows.Torch.Gguf;

namespace Workflows.Torch.Tests.Gguf;

[TestFixture]
public sealed class GgufVocabularyTests
{
    [Test]
    public void Read_Stories260KSentencePiece_PiecesScoresAndTypes()
    {
        var vocabulary = GgufVocabulary.Read(Path.Combine(SharedAssets.Stories260K, "tokenizer.model"));

        Assert.Multiple(() =>
        {
            Assert.That(vocabulary.Model, Is.EqualTo("llama"));
            Assert.That(vocabulary.Tokens, Has.Count.EqualTo(512));
            Assert.That(vocabulary.Tokens[1], Is.EqualTo("<s>"));
            Assert.That(vocabulary.Types[0], Is.EqualTo(2), "unknown");
            Assert.That(vocabulary.Types[2], Is.EqualTo(3), "control");
            Assert.That(vocabulary.Types[3 + 10], Is.EqualTo(6), "byte piece <0x0A>");
            Assert.That(vocabulary.Scores!.Skip(259).Distinct().Count(), Is.GreaterThan(100), "merge scores are kept");
            Assert.That(vocabulary.AddSpacePrefix, Is.True);
        });
    }

    [Test]
    public void Read_Gpt2TokenizerJson_TokensMergesAndSpecialTypes()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("tokenizer.json");
        File.WriteAllText(path, """
            {"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"]},
             "added_tokens": [{"id": 3, "content": "<|endoftext|>", "special": true}]}
            """);

        var vocabulary = GgufVocabulary.Read(path);

        Assert.Multiple(() =>
        {
            Assert.That(vocabulary.Model, Is.EqualTo("gpt2"));
            Assert.That(vocabulary.Tokens, Is.EqualTo(new[] { "a", "b", "ab", "<|endoftext|>" }));
            Assert.That(vocabulary.Types, Is.EqualTo(new[] { 1, 1, 1, 3 }));
            Assert.That(vocabulary.Merges, Is.EqualTo(new[] { "a b" }));
        });
    }
}
