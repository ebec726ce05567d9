using NUnit.Framework;
using Workflows.Torch.Chat;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;

namespace Workflows.Torch.Tests.Chat;

public class ChatTemplateTests
{
    private static string Family(string name) => Path.Combine(ChatTemplateFixtures.Families, name);

    private static readonly ChatTurn[] MultiTurn =
        [new("system", "Answer briefly."), new("user", "What is 2+2?"), new("assistant", "4"), new("user", "And 3+3?"), new("assistant", "6")];

    [Test]
    public void Load_AutoLlama32_EndsTurnsAtEotToken()
    {
        var tokenizer = TokenizerLoader.Load(Family("llama-3.2-1b-instruct/tokenizer.json"), 128000, [128009]);
        var chat = ChatTemplate.Load("auto", Family("llama-3.2-1b-instruct"), tokenizer);
        Assert.That((chat.EndOfTurn, chat.EndOfTurnId), Is.EqualTo(("<|eot_id|>", (int?)128009)));
        Assert.That(chat.MarkersAsText, Is.Empty);
        Assert.That(chat.Render([new("user", "Hi")], true), Does.StartWith("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024"));
    }

    [Test]
    public void Segments_AutoQwenMultiTurn_MarksEveryAssistantTurnWithItsEnd()
    {
        var tokenizer = TokenizerLoader.Load(Family("qwen2.5-0.5b-instruct/vocab.json"), null, [151645]);
        var chat = ChatTemplate.Load("auto", Family("qwen2.5-0.5b-instruct"), tokenizer);
        var segments = chat.Segments(MultiTurn);
        Assert.That(segments.Where(s => s.Assistant).Select(s => s.Text), Is.EqualTo(new[] { "4<|im_end|>\n", "6<|im_end|>\n" }));
        Assert.That(string.Concat(segments.Select(s => s.Text)), Is.EqualTo(chat.Render(MultiTurn, false)));
        Assert.That(chat.EndOfTurnId, Is.EqualTo(151645));
    }

    [TestCase("llama3", "<|eot_id|>")]
    [TestCase("chatml", "<|im_end|>")]
    [TestCase("mistral", "</s>")]
    [TestCase("gemma", "<end_of_turn>")]
    [TestCase("phi3", "<|end|>")]
    public void Load_BuiltInOnStories260K_WritesMarkersAsTextAndStopsOnThem(string name, string endOfTurn)
    {
        var tokenizer = Stories260KTokenizer();
        var chat = ChatTemplate.Load(name, SharedAssets.Stories260K, tokenizer);
        Assert.That(chat.EndOfTurn, Is.EqualTo(endOfTurn));
        Assert.That(chat.EndOfTurnId, name == "mistral" ? Is.EqualTo(2) : Is.Null);                   // </s> is stories260K's EOS
        Assert.That(chat.Segments(MultiTurn).Count(s => s.Assistant), Is.EqualTo(2));
        if (name == "llama3") Assert.That(chat.MarkersAsText, Does.Contain("<|eot_id|>").And.Contain("<|start_header_id|>"));
        if (name is "llama3" or "chatml") Assert.That(tokenizer.Encode(chat.Render(MultiTurn, false), addBos: false)[0], Is.EqualTo(1));   // "<s>" is BOS
    }

    [Test]
    public void Load_AutoWithoutChatTemplate_NamesTheBuiltIns()
    {
        var error = Expect.Failure<ModelLoadException>(() => ChatTemplate.Load("auto", SharedAssets.Stories260K, Stories260KTokenizer()));
        Assert.That(error.Message, Does.Contain("no tokenizer_config.json").And.Contain("llama3, chatml, mistral, gemma, phi3"));
    }

    [Test]
    public void Segments_GemmaWithToolTurn_SaysTheTemplateRefused()
    {
        var chat = ChatTemplate.Load("gemma", SharedAssets.Stories260K, Stories260KTokenizer());
        var error = Assert.Throws<Workflows.Torch.Chat.Jinja.JinjaException>(() => chat.Segments([new("user", "a"), new("user", "b"), new("assistant", "c")]));
        Assert.That(error!.Message, Does.Contain("roles must alternate"));
    }

    private static TextTokenizer Stories260KTokenizer() =>
        TokenizerLoader.ForModel(SharedAssets.Stories260K, LlamaConfig.Load(Path.Combine(SharedAssets.Stories260K, "config.json")));
}
