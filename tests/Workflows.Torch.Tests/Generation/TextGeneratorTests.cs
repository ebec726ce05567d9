using NUnit.Framework;
using Workflows.Torch.Generation;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;

namespace Workflows.Torch.Tests.Generation;

public class TextGeneratorTests
{
    private const string Prompt = "Once upon a time";
    private const string KnownStory = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. She wanted to play with it, but it was too high.";

    // The known story is exactly 57 greedy tokens after BOS + prompt; the 58th is a newline.
    private const int KnownStoryTokens = 57;

    private static readonly Lazy<(LlamaForCausalLM Model, TextTokenizer Tokenizer)> Hf = new(() => Load(SharedAssets.Stories260K));

    [TestCase("Hello w\uFFFD", "Hello wörld, more", "örld, more")]           // the prompt ended inside a multi-byte character
    [TestCase("Q: hi ", "Q: hi\u00a0there", "\u00a0there")]                 // decoding merged across the boundary
    [TestCase("Q: hi", "Q: hi there", " there")]
    public void Completion_DecodedPromptNotAPrefix_NeverReturnsThePrompt(string prompt, string full, string expected)
    {
        var completion = TextGenerator.Completion(full, prompt);
        Assert.That(completion, Is.EqualTo(expected));
        Assert.That(completion, Does.Not.StartWith(prompt[..2]));
    }

    [TestCase("safetensors")]
    [TestCase("llama2c")]
    public void Generate_GreedyFromBos_GivesKnownStoryInPinnedTokenCount(string format)
    {
        var (model, tokenizer) = format == "llama2c" ? Load(SharedAssets.Stories260KBin) : Hf.Value;
        var result = TextGenerator.Generate(model, tokenizer, Prompt, new GenerationOptions { MaxTokens = KnownStoryTokens });
        Assert.That(result.Text, Is.EqualTo(KnownStory));
        Assert.That(result.GeneratedTokens, Has.Count.EqualTo(KnownStoryTokens));
        Assert.That(result.StopReason, Is.EqualTo(StopReason.MaxTokens));
    }

    [Test]
    public void Generate_StopStringNewline_CutsBeforeIt()
    {
        var (model, tokenizer) = Hf.Value;
        var result = TextGenerator.Generate(model, tokenizer, Prompt, new GenerationOptions { MaxTokens = 100, StopStrings = ["\n"] });
        Assert.That(result.Text, Is.EqualTo(KnownStory));
        Assert.That(result.StopReason, Is.EqualTo(StopReason.StopString));
        Assert.That(result.GeneratedTokens, Has.Count.EqualTo(KnownStoryTokens + 1));
    }

    [TestCase(0.0, 0, 1.0)]
    [TestCase(1.0, 0, 1.0)]
    [TestCase(0.8, 20, 0.9)]
    public void Generate_CachedAndUncached_GiveSameTokens(double temperature, int topK, double topP)
    {
        var (model, tokenizer) = Hf.Value;
        var options = new GenerationOptions { MaxTokens = 40, Temperature = temperature, TopK = topK, TopP = topP, Seed = 11 };
        var cached = TextGenerator.Generate(model, tokenizer, Prompt, options);
        var uncached = TextGenerator.Generate(model, tokenizer, Prompt, options with { UseKvCache = false });
        Assert.That(uncached.GeneratedTokens, Is.EqualTo(cached.GeneratedTokens));
    }

    [Test]
    public void Generate_SameSeed_SameSample_OtherSeed_Differs()
    {
        var (model, tokenizer) = Hf.Value;
        var options = new GenerationOptions { MaxTokens = 60, Temperature = 1.0, Seed = 5 };
        var first = TextGenerator.Generate(model, tokenizer, Prompt, options);
        var again = TextGenerator.Generate(model, tokenizer, Prompt, options);
        var other = TextGenerator.Generate(model, tokenizer, Prompt, options with { Seed = 6 });
        Assert.That(again.GeneratedTokens, Is.EqualTo(first.GeneratedTokens));
        Assert.That(other.GeneratedTokens, Is.Not.EqualTo(first.GeneratedTokens));
    }

    [Test]
    public void Generate_TopKOne_EqualsGreedy()
    {
        var (model, tokenizer) = Hf.Value;
        var greedy = TextGenerator.Generate(model, tokenizer, Prompt, new GenerationOptions { MaxTokens = 30 });
        var topOne = TextGenerator.Generate(model, tokenizer, Prompt, new GenerationOptions { MaxTokens = 30, Temperature = 1.5, TopK = 1, Seed = 9 });
        Assert.That(topOne.GeneratedTokens, Is.EqualTo(greedy.GeneratedTokens));
    }

    [Test]
    public void Generate_TinyTopP_EqualsGreedy()
    {
        var (model, tokenizer) = Hf.Value;
        var greedy = TextGenerator.Generate(model, tokenizer, Prompt, new GenerationOptions { MaxTokens = 30 });
        var nucleus = TextGenerator.Generate(model, tokenizer, Prompt, new GenerationOptions { MaxTokens = 30, Temperature = 1.0, TopP = 1e-6, Seed = 9 });
        Assert.That(nucleus.GeneratedTokens, Is.EqualTo(greedy.GeneratedTokens));
    }

    [Test]
    public void Generate_LongRun_StopsAtStoryEndOrLimit()
    {
        var (model, tokenizer) = Hf.Value;
        var result = TextGenerator.Generate(model, tokenizer, Prompt, new GenerationOptions { MaxTokens = 600 });
        Assert.That(result.StopReason, Is.AnyOf(StopReason.EndOfSequence, StopReason.ContextFull));
        Assert.That(result.PromptTokens.Count + result.GeneratedTokens.Count, Is.LessThanOrEqualTo(model.Config.MaxPositionEmbeddings));
    }

    [Test]
    public void Generate_Repeated_LeavesNoLiveTensorsBehind()
    {
        var (model, tokenizer) = Hf.Value;
        var options = new GenerationOptions { MaxTokens = 10, Temperature = 0.7, TopP = 0.9, Seed = 2 };
        TextGenerator.Generate(model, tokenizer, Prompt, options);
        var before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        TextGenerator.Generate(model, tokenizer, Prompt, options);
        TextGenerator.Generate(model, tokenizer, Prompt, options with { UseKvCache = false });
        Assert.That(TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount, Is.EqualTo(before));
    }

    [Test]
    public void Validate_BadOptions_ListsEveryProblem()
    {
        var options = new GenerationOptions { MaxTokens = 0, Temperature = -1, TopP = 0 };
        Assert.That(() => options.Validate(), Throws.ArgumentException.With.Message.Contain("max tokens").And.Message.Contain("temperature").And.Message.Contain("top-p"));
    }

    private static (LlamaForCausalLM, TextTokenizer) Load(string path)
    {
        var model = LlamaLoader.Load(path);
        return (model, TokenizerLoader.ForModel(path, model.Config));
    }
}
