using NUnit.Framework;
using Workflows.Torch.Generation;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;

namespace Workflows.Torch.Tests.Generation;

public class TextGeneratorTests
{
    private const string Expected = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. She wanted to play with it, but it was too high.";

    [Test]
    public void Generate_GreedySafetensors_GivesKnownStory()
    {
        var model = LlamaLoader.Load(SharedAssets.Stories260K);
        var tokenizer = TokenizerLoader.ForModel(SharedAssets.Stories260K, model.Config);
        var result = TextGenerator.Generate(model, tokenizer, "Once upon a time", new GenerationOptions { MaxTokens = 256, StopStrings = ["\n"] });
        TestContext.Out.WriteLine($"{result.GeneratedTokens.Count} tokens, {result.StopReason}: {result.Text}");
        Assert.That(result.Text, Is.EqualTo(Expected));
    }
}
