using Workflows.Steps.Tests.TestSupport;
using Workflows.Steps.Train;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;
using static TorchSharp.torch;

namespace Workflows.Steps.Tests.Train;

/// <summary>Packed examples that attend only to themselves (<c>packing_attention: documents</c>) are each computed as if they
/// were alone; with <c>sequence</c> they see the examples packed before them.</summary>
[TestFixture]
public sealed class PackingAttentionTests
{
    // Short texts of different lengths, so documents begin at different columns and some sequences hold several.
    private static readonly IReadOnlyList<Workflows.Steps.Datasets.DatasetRow> Texts =
        [.. Enumerable.Range(0, 7).Select(i => Rows.Text(string.Concat(Enumerable.Repeat($"The fox saw {i} birds. ", 1 + (i % 3))), i + 1))];

    private static async Task<(TrainOptions Options, TextTokenizer Tokenizer, LlamaForCausalLM Model)> SetUpAsync(TestStepContext context)
    {
        var options = await TrainTestData.OptionsAsync(context) with { Method = TrainMethod.Full, Validation = null, BatchSize = 2 };
        var config = LlamaConfig.Load(Path.Combine(TrainTestData.Model, "config.json"));
        return (options, TokenizerLoader.ForModel(TrainTestData.Model, config), LlamaLoader.Load(TrainTestData.Model));
    }

    private static double Loss(LlamaForCausalLM model, TrainOptions options, TestStepContext context, TrainingData data) =>
        new Trainer(model, TrainModel.AdapterConfig(options), options, context, data, null).Loss(data);

    [Test]
    public async Task Loss_PackedDocuments_EqualsEachPieceComputedAlone()
    {
        using var context = new TestStepContext();
        var (options, tokenizer, model) = await SetUpAsync(context);
        var packed = TrainingData.Build(Texts, options with { Packing = true, MaxSeqLen = 48 }, tokenizer, 48, "train").Data!;
        // Every packed sequence cut where its documents begin (a document cut by the sequence's end continues, alone, in the next).
        var pieces = packed.Examples.SelectMany(e =>
        {
            var bounds = e.DocumentStarts!.Append(e.Ids.Length).ToArray();
            return Enumerable.Range(0, bounds.Length - 1).Select(i => new TokenisedExample(e.Ids[bounds[i]..bounds[i + 1]], e.Labels[bounds[i]..bounds[i + 1]]));
        }).ToList();
        var alone = new TrainingData(pieces, 0, 0);

        Assert.That(packed.Examples.Where(e => e.DocumentStarts!.Length > 1), Is.Not.Empty, "several documents share a sequence");
        Assert.That(pieces.Count, Is.GreaterThan(packed.Examples.Count));
        Assert.That(pieces.Sum(e => e.TrainedTokens), Is.EqualTo(packed.Examples.Sum(e => e.TrainedTokens)), "the same tokens carry the loss");
        var expected = Loss(model, options, context, alone);
        Assert.That(Loss(model, options, context, packed), Is.EqualTo(expected).Within(1e-5 * expected));

        var seeing = TrainingData.Build(Texts, options with { Packing = true, MaxSeqLen = 48, PackingAttention = PackingAttention.Sequence }, tokenizer, 48, "train").Data!;
        Assert.That(seeing.Examples.Select(e => e.DocumentStarts), Is.All.Null);
        Assert.That(Math.Abs(Loss(model, options, context, seeing) - expected), Is.GreaterThan(1e-3), "across documents, later ones see earlier ones");
    }

    [Test]
    public void Documents_NumbersEachInputTokensDocumentAndPaddingApart()
    {
        TokenisedExample Example(int length, int[]? starts) => new(new long[length], new long[length]) { DocumentStarts = starts };
        using var documents = BatchMaker.Documents([Example(7, [0, 2, 5]), Example(4, [0])], CPU)!;

        Assert.That(documents.shape, Is.EqualTo(new long[] { 2, 6 }));
        Assert.That(documents.data<long>().ToArray(), Is.EqualTo(new long[] { 0, 0, 1, 1, 1, 2, 0, 0, 0, 1, 1, 1 }));
        Assert.That(BatchMaker.Documents([Example(4, null)], CPU), Is.Null, "unpacked examples need none");
    }
}
