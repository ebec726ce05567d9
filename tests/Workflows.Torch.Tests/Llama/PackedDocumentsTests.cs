using NUnit.Framework;
using Workflows.Torch.Llama;
using Workflows.Torch.Tests.Evaluation;
using static TorchSharp.torch;

namespace Workflows.Torch.Tests.Llama;

/// <summary>Documents packed into one row, numbered per token, are each computed as they would be alone: attention
/// stays within a document and positions restart with it.</summary>
public class PackedDocumentsTests
{
    // Row 0 packs documents of 5, 4 and 3 tokens; row 1 one document of 9 tokens then 3 tokens of padding (its own number).
    private static readonly long[][] Lengths = [[5, 4, 3], [9, 3]];

    private static (Tensor Ids, Tensor Documents) Packed(long vocab)
    {
        var ids = randint(0, vocab, [2, 12], generator: new Generator(11));
        var documents = tensor(Lengths.SelectMany(row => row.SelectMany((n, d) => Enumerable.Repeat((long)d, (int)n))).ToArray(), [2, 12]);
        return (ids, documents);
    }

    [TestCase(false, null)]                                 // causal attention
    [TestCase(true, null)]                                  // gradient checkpointing recomputes each layer with the mask
    [TestCase(false, 3)]                                    // a sliding window of 3 inside each document
    public void Forward_PackedDocuments_EqualEachDocumentAlone(bool checkpointing, int? window)
    {
        var config = GradientCase.Tiny(tied: true) with { ModelType = window is null ? "llama" : "mistral", SlidingWindow = window };
        using var model = LlamaLoader.CreateRandom(config, seed: 5);
        model.model.GradientCheckpointing = checkpointing;
        var (ids, documents) = Packed(config.VocabSize);
        using var grad = enable_grad();                                                       // checkpointing acts only while recording
        foreach (var p in model.parameters()) p.requires_grad = true;
        var packed = model.model.forward(ids, null, documents);                                 // (2, 12, C)
        for (var row = 0; row < 2; row++)
        {
            long start = 0;
            foreach (var length in Lengths[row])
            {
                var alone = model.model.forward(ids.narrow(0, row, 1).narrow(1, start, length), null);   // (1, n, C)
                var same = packed.narrow(0, row, 1).narrow(1, start, length);
                Assert.That((same - alone).abs().max().item<float>(), Is.LessThan(1e-5f), $"row {row}, tokens {start}..{start + length - 1}");
                start += length;
            }
        }
    }

    [Test]
    public void Forward_PackedWithoutDocuments_LetsLaterDocumentsSeeEarlierOnes()
    {
        using var model = LlamaLoader.CreateRandom(GradientCase.Tiny(tied: true), seed: 5);
        var (ids, _) = Packed(97);
        using var noGrad = no_grad();
        var whole = model.model.forward(ids.narrow(0, 0, 1), null);
        var second = model.model.forward(ids.narrow(0, 0, 1).narrow(1, 5, 4), null);
        Assert.That((whole.narrow(1, 5, 4) - second).abs().max().item<float>(), Is.GreaterThan(1e-3f), "the check above can fail");
    }

    [Test]
    public void Forward_DocumentsWithACache_AreRefused()
    {
        using var model = LlamaLoader.CreateRandom(GradientCase.Tiny(tied: true), seed: 5);
        using var cache = new KvCache(model.Config, 1, 8, CPU, ScalarType.Float32);
        Assert.Throws<ArgumentException>(() => model.model.forward(zeros([1, 3], ScalarType.Int64), cache, zeros([1, 3], ScalarType.Int64)));
    }
}
