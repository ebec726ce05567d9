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
            new TextSegment("### Instruction:\nAdd the numbers.\n\n### Input:\n2 and 3\n\n### Response:\n", false),
            new TextSegment("5", true),
        }));
    }

    [Test]
    public void Render_ChatmlConversation_MarksOnlyAssistantTurnsTrainable()
    {
        var segments = PromptRenderer.Render(Rows.Chat("Hi", "Hello!"), PromptTemplate.Chatml, null)!;
        Assert.That(segments, Is.EqualTo(new[]
        {
            new TextSegment("<|im_start|>system\nsys<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", false),
            new TextSegment("Hello!<|im_end|>\n", true),
        }));
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

    [TestCase(0, 0.25)]
    [TestCase(3, 1.0)]
    [TestCase(8, 0.5)]
    [TestCase(13, 0.0)]
    public void LearningRate_WarmupThenCosine_FollowsTheCurve(int step, double expected)
    {
        // 4 warm-up steps then cosine over 10: at step 8 progress is 0.4 → 0.5·(1 + cos 0.4π) = 0.6545; at 13, 0.9 → 0.0245.
        var rate = LearningRate.At(step, 14, 4, SchedulerKind.Cosine, 1.0);
        var reference = step < 4 ? (step + 1) / 4.0 : 0.5 * (1 + Math.Cos(Math.PI * (step - 4) / 10.0));
        Assert.That(rate, Is.EqualTo(reference).Within(1e-12));
        Assert.That(rate, Is.EqualTo(expected).Within(0.16));
    }
}
