using Workflows.Steps.Evaluate.Scoring;
using Workflows.Steps.Tests.Train;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;

namespace Workflows.Steps.Tests.Evaluate;

/// <summary>lm-evaluation-harness's split of context and continuation, which multiple choice and preference
/// scoring share.</summary>
[TestFixture]
public sealed class ContinuationIdsTests
{
    private static readonly TextTokenizer Tokenizer =
        TokenizerLoader.ForModel(TrainTestData.Model, LlamaConfig.Load(Path.Combine(TrainTestData.Model, "config.json")));

    [Test]
    public void Encode_ContextWithTrailingSpaces_MovesThemOntoEachContinuation()
    {
        var encoded = ContinuationIds.Encode(Tokenizer, "The cat sat on the  ", ["mat", "dog"]);

        var context = Tokenizer.Encode("The cat sat on the", addBos: true);
        Assert.That(encoded.Select(e => e.ContextTokens), Is.All.EqualTo(context.Count));
        Assert.That(encoded[0].Ids, Is.EqualTo(Tokenizer.Encode("The cat sat on the  mat", addBos: true)));
        Assert.That(encoded[1].Ids, Is.EqualTo(Tokenizer.Encode("The cat sat on the  dog", addBos: true)));
        Assert.That(encoded[0].Scored, Is.EqualTo(encoded[0].Ids.Count - context.Count));
        Assert.That(encoded[0].Ids.Take(context.Count), Is.EqualTo(context), "the context's tokens begin the whole");
    }

    [Test]
    public void Scored_EmptyContinuation_IsStillTheLastToken() =>
        Assert.That(ContinuationIds.Encode(Tokenizer, "Once upon a time", [""]).Single().Scored, Is.EqualTo(1));
}
