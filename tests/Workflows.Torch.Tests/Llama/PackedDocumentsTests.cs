using System.Text.Json;
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

    // The counterpart: a plain-PyTorch Llama forward given transformers' restarting position_ids and a block-diagonal
    // causal mask (Fixtures/make_reference_logits.py), on stories260K's real weights.
    [Test]
    public void Forward_Stories260KPackedRow_MatchesPyTorchReferenceWithin1e4()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(SharedAssets.Fixture("reference_packed_logits.json")));
        var root = document.RootElement;
        long[] Longs(string name) => [.. root.GetProperty(name).EnumerateArray().Select(t => t.GetInt64())];
        var (tokens, documents, positions) = (Longs("tokens"), Longs("documents"), Longs("positions"));
        var reference = root.GetProperty("logits").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();

        using var model = LlamaLoader.Load(SharedAssets.Stories260K);
        using var noGrad = no_grad();
        using var logits = model.Head(model.model.forward(tensor(tokens, [1, tokens.Length]), null, tensor(documents, [1, documents.Length])));
        var maxDifference = positions.Select((p, i) => logits[0, p].data<float>().ToArray().Zip(reference[i], (a, b) => Math.Abs(a - b)).Max()).Max();
        TestContext.Out.WriteLine($"packed: max |logit - reference| = {maxDifference:E2}");
        Assert.That(maxDifference, Is.LessThan(1e-4));
    }

    [Test]
    public void Backward_PackedDocumentsWithCheckpointing_GivesTheGradientsOfThePlainLayers()
    {
        var config = GradientCase.Tiny(tied: true);
        var (ids, documents) = Packed(config.VocabSize);
        List<Tensor> Gradients(bool checkpointing)
        {
            var model = LlamaLoader.CreateRandom(config, seed: 5);
            model.model.GradientCheckpointing = checkpointing;
            foreach (var p in model.parameters()) p.requires_grad = true;
            model.model.forward(ids, null, documents).pow(Scalars.Of(2L)).sum().backward();   // the mask is saved for the recomputation
            return [.. model.parameters().Select(p => p.grad!.clone())];
        }

        var plain = Gradients(false);
        var recomputed = Gradients(true);
        for (var i = 0; i < plain.Count; i++)
            Assert.That((recomputed[i] - plain[i]).abs().max().item<float>(), Is.LessThanOrEqualTo(1e-5f * Math.Max(1, plain[i].abs().max().item<float>())), $"parameter {i}");
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
