using NUnit.Framework;
using Workflows.Torch.Chat;
using Workflows.Torch.Tests.Chat;
using Workflows.Torch.Generation;
using Workflows.Torch.Tokenization;

namespace Workflows.Torch.Tests.Generation;

public class GenerationOptionsTests
{
    private static string Family(string name) => Path.Combine(ChatTemplateFixtures.Families, name);

    [Test]
    public void ForChat_EndOfTurnToken_StopsOnItsIdWithoutBos()
    {
        var tokenizer = TokenizerLoader.Load(Family("llama-3.2-1b-instruct/tokenizer.json"), 128000, [128009]);
        var chat = ChatTemplate.Load("auto", Family("llama-3.2-1b-instruct"), tokenizer);
        var options = new GenerationOptions { MaxTokens = 7, StopStrings = ["\n\n"] }.ForChat(chat);
        Assert.That(options.AddBos, Is.False);
        Assert.That(options.StopTokenIds, Is.EqualTo(new[] { 128009 }));
        Assert.That(options.StopStrings, Is.EqualTo(new[] { "\n\n" }));
        Assert.That(options.MaxTokens, Is.EqualTo(7));
    }

    [Test]
    public void ForChat_MarkerNotAToken_StopsOnItsText()
    {
        var chat = ChatTemplate.Load("chatml", SharedAssets.Stories260K, TokenizerLoader.ForModel(SharedAssets.Stories260K, Workflows.Torch.Llama.LlamaConfig.Load(Path.Combine(SharedAssets.Stories260K, "config.json"))));
        var options = new GenerationOptions { StopStrings = ["\n\n"] }.ForChat(chat);
        Assert.That(options.AddBos, Is.False);
        Assert.That(options.StopTokenIds, Is.Empty);
        Assert.That(options.StopStrings, Is.EqualTo(new[] { "\n\n", "<|im_end|>" }));
    }

    [Test]
    public void ForChat_NoTemplate_LeavesTheOptions()
    {
        var options = new GenerationOptions { StopStrings = ["."] };
        Assert.That(options.ForChat(null), Is.SameAs(options));
    }
}
