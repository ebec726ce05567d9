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
}
