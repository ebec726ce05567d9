using Workflows.Steps.Tests.TestSupport;
using Workflows.Steps.Train;
using Workflows.Steps.Train.Preference;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;

namespace Workflows.Steps.Tests.Train.Preference;

[TestFixture]
public sealed class PreferenceDataTests
{
    private static readonly Lazy<TextTokenizer> Tokenizer = new(() =>
        TokenizerLoader.ForModel(TrainTestData.Model, LlamaConfig.Load(Path.Combine(TrainTestData.Model, "config.json"))));

    [TestCase(48, 0)]
    [TestCase(512, 1)]
    public void Build_AnswersCutToTheSameTokens_SkipsThePair(int maxLength, int kept)
    {
        var row = Rows.Pair("Tell me a story.", "Once upon a time there was a little girl named Lily. She was happy.", "Once upon a time there was a little girl named Lily. She was sad.");
        var options = new TrainOptions { Model = "m", Train = "t", Objective = TrainObjective.Dpo, Template = PromptTemplate.AlpacaShort };

        var (data, error) = PreferenceData.Build([row], options, Tokenizer.Value, maxLength, "train");

        Assert.That(error, Is.Null);
        Assert.That(data!.Items, Has.Count.EqualTo(kept));
        Assert.That(data.Unusable, Is.EqualTo(1 - kept));
    }
}
