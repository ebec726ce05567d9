using Workflows.Steps.Tests.TestSupport;
using Workflows.Steps.Train;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;

namespace Workflows.Steps.Tests.Train;

[TestFixture]
public sealed class PromptRendererTests
{
    private static readonly Lazy<TextTokenizer> Tokenizer = new(() =>
        TokenizerLoader.ForModel(TrainTestData.Model, LlamaConfig.Load(Path.Combine(TrainTestData.Model, "config.json"))));

    [Test]
    public void Render_AlpacaInstructionWithInput_WritesSectionsThenAnswer()
    {
        var row = Rows.Instruction("Add the numbers.", "5") with { Input = "2 and 3" };
        var segments = PromptRenderer.Render(row, PromptTemplate.Alpaca, null)!;
        Assert.That(segments, Is.EqualTo(new[]
        {
            new TextSegment("Below is an instruction that describes a task, paired with an input that provides further context. " +
                "Write a response that appropriately completes the request.\n\n### Instruction:\nAdd the numbers.\n\n### Input:\n2 and 3\n\n### Response:", false),
            new TextSegment("5", true),
        }));
    }

    [Test]
    public void Render_AlpacaInstructionWithoutInput_IsStanfordAlpacaNoInputPrompt()
    {
        var segments = PromptRenderer.Render(Rows.Instruction("Who are you?", "Sparky"), PromptTemplate.Alpaca, null)!;
        Assert.That(segments[0].Text, Is.EqualTo("Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n" +
            "### Instruction:\nWho are you?\n\n### Response:"));
    }

    [Test]
    public void Render_AlpacaShort_KeepsSectionsWithoutPreamble()
    {
        var row = Rows.Instruction("Add the numbers.", "5") with { Input = "2 and 3" };
        var segments = PromptRenderer.Render(row, PromptTemplate.AlpacaShort, null)!;
        Assert.That(segments[0].Text, Is.EqualTo("### Instruction:\nAdd the numbers.\n\n### Input:\n2 and 3\n\n### Response:\n"));
    }

    [Test]
    public void Render_AlpacaConversation_PreambleOnlyBeforeFirstTurn()
    {
        var row = Rows.Chat("Hi", "Hello!") with { Messages = [new("user", "Hi"), new("assistant", "Hello!"), new("user", "Bye"), new("assistant", "Bye!")] };
        var segments = PromptRenderer.Render(row, PromptTemplate.Alpaca, null)!;
        Assert.That(segments[0].Text, Does.StartWith("Below is an instruction"));
        Assert.That(segments[2].Text, Is.EqualTo("### Instruction:\nBye\n\n### Response:"));
    }

    [Test]
    public void Render_ChatmlConversation_RendersTheEngineTemplateAndTrainsOnlyAssistantTurns()
    {
        var chat = Workflows.Torch.Chat.ChatTemplate.Load(PromptRenderer.ChatTemplateName(PromptTemplate.Chatml), TrainTestData.Model, Tokenizer.Value);
        var segments = PromptRenderer.Render(Rows.Chat("Hi", "Hello!"), PromptTemplate.Chatml, null, chat)!;
        Assert.That(PromptRenderer.IsChatTemplate(PromptTemplate.Chatml), Is.True);
        Assert.That(segments, Is.EqualTo(new[]
        {
            new TextSegment("<s><|im_start|>system\nsys<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", false),
            new TextSegment("Hello!<|im_end|>\n", true),
        }));
    }

    [Test]
    public void Prompt_Chatml_IsRefusedBecauseItsTemplateRendersIt()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PromptRenderer.Prompt(PromptTemplate.Chatml, null, null, "Hi"));
    }

    [Test]
    public void Render_CustomTemplate_FillsPlaceholders()
    {
        var segments = PromptRenderer.Render(Rows.Instruction("Who are you?", "Sparky"), PromptTemplate.Custom, "Q: {instruction}\nA: ")!;
        Assert.That(segments[0].Text, Is.EqualTo("Q: Who are you?\nA: "));
    }

    [Test]
    public void Render_ClassificationRow_IsNotTrainable()
    {
        Assert.That(PromptRenderer.Render(Rows.Text("good", 1, label: "pos"), PromptTemplate.Alpaca, null), Is.Null);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Tokenise_PromptAndAnswer_LabelsCoverAnswerAndEosUnlessTrainOnInputs(bool trainOnInputs)
    {
        var tokenizer = Tokenizer.Value;
        var prompt = PromptRenderer.Prompt(PromptTemplate.Plain, null, null, "Who are you?");
        var example = ExampleTokeniser.Tokenise([new(prompt, false), new("I am Sparky.", true)], tokenizer, trainOnInputs);
        var promptTokens = tokenizer.Encode(prompt, addBos: true).Count;

        Assert.That(example.Ids.Take(example.Ids.Length - 1), Is.EqualTo(tokenizer.Encode(prompt + "I am Sparky.", addBos: true).Select(i => (long)i)));
        Assert.That(example.Ids[^1], Is.EqualTo(tokenizer.EosIds[0]));
        Assert.That(example.Labels[0], Is.EqualTo(-100));
        Assert.That(example.TrainedTokens, Is.EqualTo(trainOnInputs ? example.Ids.Length - 1 : example.Ids.Length - promptTokens));
    }
}
