using Workflows.Steps.Datasets;
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

    [Test]
    public void Build_MaxPromptLength_KeepsBosAndThePromptsEndSoTheAnswersFit()
    {
        var prompt = string.Concat(Enumerable.Range(0, 12).Select(i => $"Tell me story number {i}. "));
        var row = Rows.Pair(prompt, "Once upon a time there was a girl.", "Go away.");
        var options = new TrainOptions
        {
            Model = "m", Train = "t", Objective = TrainObjective.Dpo, Template = PromptTemplate.AlpacaShort,
            Preference = new PreferenceOptions { MaxPromptLength = 20 },
        };
        var (whole, _) = PreferenceData.Build([row], options with { Preference = new PreferenceOptions() }, Tokenizer.Value, 4096, "train");

        var (data, _) = PreferenceData.Build([row], options, Tokenizer.Value, 48, "train");

        var full = whole!.Items.Single().Chosen;
        var cut = data!.Items.Single().Chosen;
        var prompt20 = Array.FindIndex(cut.Labels, l => l >= 0);
        Assert.That(Array.FindIndex(full.Labels, l => l >= 0), Is.GreaterThan(48), "whole, the prompt alone is longer than max_seq_len");
        Assert.That(prompt20, Is.EqualTo(20));
        Assert.That(cut.Ids[0], Is.EqualTo(Tokenizer.Value.BosId));
        Assert.That(cut.Ids[1..], Is.EqualTo(full.Ids[^(cut.Ids.Length - 1)..]), "the prompt's end and the whole answer");
        Assert.That(data.Items.Single().Rejected!.TrainedTokens, Is.EqualTo(whole.Items.Single().Rejected!.TrainedTokens));
    }

    [Test]
    public void Build_MultiTurnPair_ScoresOnlyTheFinalAnswers()
    {
        var row = Rows.Pair("Hello.", "I am Sparky.", "Go away.") with
        {
            Messages = [new("user", "Hello."), new("assistant", "Hi there, how can I help?"), new("user", "Who are you?")],
        };
        var options = new TrainOptions { Model = "m", Train = "t", Objective = TrainObjective.Dpo, Template = PromptTemplate.AlpacaShort };

        var (data, _) = PreferenceData.Build([row], options, Tokenizer.Value, 512, "train");

        var item = data!.Items.Single();
        var answer = Tokenizer.Value.Encode("I am Sparky.", addBos: false).Count;
        Assert.That(item.Chosen.TrainedTokens, Is.InRange(answer, answer + 2), "the final answer and EOS, not the earlier assistant turn");
        Assert.That(Array.FindIndex(item.Chosen.Labels, l => l >= 0), Is.GreaterThan(item.Chosen.Ids.Length - answer - 3));
    }
}
