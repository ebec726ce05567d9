using NUnit.Framework;
using Workflows.Torch.Gguf;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;

namespace Workflows.Torch.Tests.Gguf;

/// <summary>stories260K written as GGUF and run by the real llama.cpp (LLamaSharp's CPU build).</summary>
[TestFixture]
public sealed class GgufExporterTests
{
    private const string HeldOut = "Lily and Tom went to the park. They saw a big red ball under a tree. Tom kicked the ball and Lily laughed.";

    private LlamaForCausalLM _model = null!;
    private TextTokenizer _tokenizer = null!;
    private TemporaryFolder _folder = null!;

    [OneTimeSetUp]
    public void LoadModel()
    {
        _model = LlamaLoader.Load(SharedAssets.Stories260K);
        _tokenizer = TokenizerLoader.ForModel(SharedAssets.Stories260K, _model.Config);
        _folder = new TemporaryFolder();
    }

    [OneTimeTearDown]
    public void Release()
    {
        _model.Dispose();
        _folder.Dispose();
    }

    [TestCase(GgufTensorType.F32, 0.002)]      // llama.cpp keeps its KV cache in f16, hence not 1e-6
    // measured mean differences: f32 4.5e-4, f16 6.7e-4, q8_0 0.019 (llama.cpp also rounds activations to 8 bits for q8_0)
    [TestCase(GgufTensorType.F16, 0.005)]
    [TestCase(GgufTensorType.Q8_0, 0.05)]
    public void Write_Stories260K_LlamaCppGreedyAndLikelihoodMatchOurs(GgufTensorType type, double meanBound)
    {
        var comparison = Compare(type);

        Assert.Multiple(() =>
        {
            Assert.That(comparison.TokenizerAgrees, Is.True, "llama.cpp tokenises the prompt like our tokenizer");
            Assert.That(comparison.TheirGreedy, Is.EqualTo(comparison.OurGreedy), "greedy continuation");
            Assert.That(comparison.MeanAbsLogLikelihoodDifference, Is.LessThan(meanBound));
        });
    }

    [Test]
    public void Write_Q4_0_LlamaCppLikelihoodWithinBound()
    {
        var comparison = Compare(GgufTensorType.Q4_0);

        // 4-bit weights move each token's log-likelihood; on stories260K (tiny, so every weight
        // matters) the mean change stays well under a quarter of a nat.
        Assert.That(comparison.MeanAbsLogLikelihoodDifference, Is.LessThan(0.25));
        Assert.That(Math.Abs(comparison.OurMeanLogLikelihood - comparison.TheirMeanLogLikelihood), Is.LessThan(0.25));
    }

    [Test]
    public void Write_Stories260K_TensorTypesFollowLlamaCppRules()
    {
        var types = GgufExporter.Write(_model, GgufVocabulary.Read(Path.Combine(SharedAssets.Stories260K, "tokenizer.model")),
            new GgufExportOptions(GgufTensorType.Q4_0, "stories260K"), _folder.File("plan.gguf"));

        Assert.Multiple(() =>
        {
            Assert.That(types["blk.0.attn_norm.weight"], Is.EqualTo(GgufTensorType.F32), "1-D stays f32");
            Assert.That(types["blk.0.attn_q.weight"], Is.EqualTo(GgufTensorType.Q4_0));
            Assert.That(types["blk.0.ffn_down.weight"], Is.EqualTo(GgufTensorType.F16), "rows of 172 are not whole blocks");
            Assert.That(types["token_embd.weight"], Is.EqualTo(GgufTensorType.Q8_0), "tied output head kept at 8 bits");
            Assert.That(types, Does.Not.ContainKey("output.weight"));
        });
    }

    private GgufComparison Compare(GgufTensorType type)
    {
        var path = _folder.File($"stories260K-{type}.gguf");
        GgufExporter.Write(_model, GgufVocabulary.Read(Path.Combine(SharedAssets.Stories260K, "tokenizer.model")), new GgufExportOptions(type, "stories260K"), path);
        var comparison = GgufComparison.Run(_model, _tokenizer, path, "Once upon a time", 32, HeldOut);
        TestContext.Out.WriteLine($"{type}: {new FileInfo(path).Length} bytes, greedy equal {comparison.GreedyAgrees}, " +
            $"log-likelihood |Δ| mean {comparison.MeanAbsLogLikelihoodDifference:G3} max {comparison.MaxAbsLogLikelihoodDifference:G3}, " +
            $"mean ours {comparison.OurMeanLogLikelihood:F4} llama.cpp {comparison.TheirMeanLogLikelihood:F4}; " +
            $"ours: {_tokenizer.Decode(comparison.OurGreedy)} | llama.cpp: {_tokenizer.Decode(comparison.TheirGreedy)}");
        return comparison;
    }
}
