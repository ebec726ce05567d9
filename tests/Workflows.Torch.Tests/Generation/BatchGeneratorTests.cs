using NUnit.Framework;
using Workflows.Torch.Generation;
using Workflows.Torch.Llama;
using Workflows.Torch.Tests.Llama;
using Workflows.Torch.Tokenization;

namespace Workflows.Torch.Tests.Generation;

public class BatchGeneratorTests
{
    // Prompts of 2 to 30 tokens, so a batch of 16 pads some rows by more than 20 tokens.
    private static readonly string[] Prompts =
    [
        "Once upon a time", "Tom", "The little dog ran to the park and saw a big red ball. He wanted to play with it,",
        "Lily and her mom", "One day, a cat", "Sam had a toy car. He", "The sun was hot.", "Anna said, \"Can I",
        "There was a big tree in the garden. Every day a bird sang in it. One morning the bird", "Ben", "A frog jumped",
        "Mia liked to draw. She drew a house, a dog and", "The boy was sad because", "Once", "Grandma made a cake",
        "The princess looked out of the window and saw", "Max and Sue went to the beach. They", "It was raining.",
        "The bear found honey", "Timmy wanted to fly like a bird, so he",
    ];

    private static readonly Lazy<(LlamaForCausalLM Model, TextTokenizer Tokenizer)> Stories = new(() =>
    {
        var model = LlamaLoader.Load(SharedAssets.Stories260K);
        return (model, TokenizerLoader.ForModel(SharedAssets.Stories260K, model.Config));
    });

    [Test]
    public void Generate_SampledBatchesOnThreeWorkers_SameTokensAsOnOne()
    {
        var (model, tokenizer) = Stories.Value;
        var options = new GenerationOptions { MaxTokens = 40, Temperature = 1.0, Seed = 7 };
        var one = BatchGenerator.Generate(model, tokenizer, Prompts, options, batchSize: 4, workers: 1);
        var three = BatchGenerator.Generate(model, tokenizer, Prompts, options, batchSize: 4, workers: 3);
        Assert.That(three.Select(r => r.GeneratedTokens), Is.EqualTo(one.Select(r => r.GeneratedTokens)));
        Assert.That(three.Select(r => r.StopReason), Is.EqualTo(one.Select(r => r.StopReason)));
    }

    [TestCase(16, 32)]
    [TestCase(7, 8)]
    public void Generate_GreedyBatchesOnStories260K_GiveTheTokensOfEachPromptAlone(int batchSize, int maxTokens)
    {
        var (model, tokenizer) = Stories.Value;
        var options = new GenerationOptions { MaxTokens = maxTokens, StopStrings = [". "] };
        var batched = BatchGenerator.Generate(model, tokenizer, Prompts, options, batchSize);
        Assert.That(batched.Select(r => r.Prompt), Is.EqualTo(Prompts));
        for (var i = 0; i < Prompts.Length; i++)
        {
            var alone = TextGenerator.Generate(model, tokenizer, Prompts[i], options);
            Assert.That(batched[i].GeneratedTokens, Is.EqualTo(alone.GeneratedTokens), $"prompt {i}: {Prompts[i]}");
            Assert.That(batched[i].Completion, Is.EqualTo(alone.Completion), $"prompt {i}");
            Assert.That(batched[i].StopReason, Is.EqualTo(alone.StopReason), $"prompt {i}");
        }

        // Rows stopped for different reasons at different lengths, so per-row stopping was exercised.
        Assert.That(batched.Select(r => r.StopReason).Distinct().Count(), Is.GreaterThan(1));
        Assert.That(batched.Select(r => r.GeneratedTokens.Count).Distinct().Count(), Is.GreaterThan(2));
    }

    [Test]
    public void Generate_SampledBatch_GivesTheSampleOfEachPromptAlone()
    {
        var (model, tokenizer) = Stories.Value;
        var options = new GenerationOptions { MaxTokens = 20, Temperature = 0.8, TopK = 40, TopP = 0.95, Seed = 3 };
        var batched = BatchGenerator.Generate(model, tokenizer, Prompts[..6], options, batchSize: 4);
        for (var i = 0; i < 6; i++)
        {
            Assert.That(batched[i].GeneratedTokens, Is.EqualTo(TextGenerator.Generate(model, tokenizer, Prompts[i], options).GeneratedTokens), $"prompt {i}");
        }
    }

    [TestCaseSource(typeof(FamilyFixtures), nameof(FamilyFixtures.Names))]
    public void Run_FamilyFixturePromptsPastTheWindow_GivesTheTokensOfEachPromptAlone(string family)
    {
        // Mistral's window is 8: prompts of 1 to 13 tokens and 16 new ones cross it in prefill and in decoding.
        using var model = FamilyFixtures.Model(family);
        var tokenizer = Stories.Value.Tokenizer;   // only decodes (for stop strings); the ids are the fixture's
        var options = new GenerationOptions { MaxTokens = 16 };
        var vocabulary = model.Config.VocabSize;
        var prompts = Enumerable.Range(0, 7).Select(i => Enumerable.Range(0, 1 + (i * 5 % 13)).Select(t => 3 + ((t * 7 + i * 11) % (vocabulary - 3))).ToList()).ToList();
        GenerationRow Row(List<int> ids) => new("", ids, tokenizer.WithEosIds([]), options, model.Config.MaxPositionEmbeddings);
        var batched = BatchGenerator.Run(model, [.. prompts.Select(Row)], options, batchSize: 16, default);
        for (var i = 0; i < prompts.Count; i++)
        {
            var alone = TextGenerator.Run(model, Row(prompts[i]), options, default);
            Assert.That(batched[i].GeneratedTokens, Is.EqualTo(alone.GeneratedTokens), $"prompt {i} ({prompts[i].Count} tokens)");
        }
    }

    [Test]
    public void Generate_PromptFillingTheContext_NamesItsIndex()
    {
        var (model, tokenizer) = Stories.Value;
        var tooLong = string.Join(" ", Enumerable.Repeat("Once upon a time", 200));
        Assert.That(() => BatchGenerator.Generate(model, tokenizer, ["Tom", tooLong]),
            Throws.ArgumentException.With.Message.Contain("prompt 1 has").And.Message.Contain("context is 512"));
        Assert.That(() => BatchGenerator.Generate(model, tokenizer, ["Tom"], batchSize: 0), Throws.ArgumentException.With.Message.Contain("batch size"));
    }

    [Test]
    public void Generate_Repeated_LeavesNoLiveTensorsBehind()
    {
        var (model, tokenizer) = Stories.Value;
        var options = new GenerationOptions { MaxTokens = 12 };
        BatchGenerator.Generate(model, tokenizer, Prompts[..5], options, batchSize: 3);
        var before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        BatchGenerator.Generate(model, tokenizer, Prompts[..5], options, batchSize: 3);
        Assert.That(TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount, Is.EqualTo(before));
    }
}
