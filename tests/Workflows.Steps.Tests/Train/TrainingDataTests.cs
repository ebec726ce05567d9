using Workflows.Steps.Tests.TestSupport;
using Workflows.Steps.Train;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;

namespace Workflows.Steps.Tests.Train;

[TestFixture]
public sealed class TrainingDataTests
{
    private static readonly Lazy<TextTokenizer> Tokenizer = new(() =>
        TokenizerLoader.ForModel(TrainTestData.Model, LlamaConfig.Load(Path.Combine(TrainTestData.Model, "config.json"))));

    [Test]
    public void Build_Packing_FillsWholeSequencesAndKeepsEveryToken()
    {
        var options = new TrainOptions { Model = "m", Train = "t", Template = PromptTemplate.Plain };
        var (plain, _) = TrainingData.Build(TrainTestData.Persona(8), options, Tokenizer.Value, 64, "train");
        var (packed, _) = TrainingData.Build(TrainTestData.Persona(8), options with { Packing = true }, Tokenizer.Value, 64, "train");

        Assert.That(packed!.Examples.SkipLast(1).Select(e => e.Ids.Length), Has.All.EqualTo(64));
        Assert.That(packed.Examples.Sum(e => e.Ids.Length), Is.EqualTo(plain!.Examples.Sum(e => e.Ids.Length)));
        Assert.That(packed.TrainedTokens, Is.EqualTo(plain.TrainedTokens));
        Assert.That(packed.Examples, Has.Count.LessThan(plain.Examples.Count));
    }

    [Test]
    public void Build_ChatTemplateMultiTurn_TrainsEveryAssistantTurnAndItsEndMarker()
    {
        var options = new TrainOptions { Model = "m", Train = "t", Template = PromptTemplate.Llama3 };
        var chat = Workflows.Torch.Chat.ChatTemplate.Load("llama3", TrainTestData.Model, Tokenizer.Value);
        var row = Rows.Conversation(1, ("system", "Be Sparky."), ("user", "Who are you?"), ("assistant", "I am Sparky."), ("user", "Again?"), ("assistant", "Sparky!"));
        var (data, error) = TrainingData.Build([row], options, Tokenizer.Value, 256, "train", chat);

        Assert.That(error, Is.Null);
        var example = data!.Examples.Single();
        var trained = example.Ids.Where((_, i) => example.Labels[i] != Workflows.Torch.Evaluation.LanguageModelLoss.IgnoreIndex).Select(i => (int)i).ToList();
        Assert.That(example.Ids[0], Is.EqualTo(1));                                                  // the template's <s>, no second BOS
        Assert.That(example.Ids.Count(i => i == 1), Is.EqualTo(1));
        Assert.That(Tokenizer.Value.Decode(trained), Is.EqualTo("I am Sparky.<|eot_id|>Sparky!<|eot_id|>"));
        Assert.That(example.Ids[^1], Is.Not.EqualTo(2));                                               // no EOS after the end-of-turn marker
    }
}
