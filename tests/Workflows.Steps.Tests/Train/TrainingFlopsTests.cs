using NUnit.Framework;
using Workflows.Steps.Train;
using Workflows.Torch.Benchmarks;

namespace Workflows.Steps.Tests.Train;

public class TrainingFlopsTests
{
    // stories15M shape: d 288, h 768, 6 layers, 6 heads (no GQA), vocab 32000, at 256 tokens.
    // Matmul weights per token P = 6·(2·288² + 2·288·288 + 3·288·768) + 288·32000 = 15,187,968;
    // attention 12·6·256·288 = 5,308,416.
    [Test]
    public void PerToken_Stories15MShapeFrozenBase_IsFourTimesWeightsPlusAttention() =>
        Assert.That(TrainingFlops.PerToken(ModelBenchmark.Stories15MShape, 256, fullFineTune: false), Is.EqualTo(4.0 * 15_187_968 + 5_308_416));

    [Test]
    public void PerToken_Stories15MShapeFullFineTune_AddsWeightGradients() =>
        Assert.That(TrainingFlops.PerToken(ModelBenchmark.Stories15MShape, 256, fullFineTune: true), Is.EqualTo(6.0 * 15_187_968 + 5_308_416));

    [Test]
    public void PerToken_GroupedQueryAttention_CountsSmallerKeyValueProjections()
    {
        var config = ModelBenchmark.Stories15MShape with { NumKeyValueHeads = 2 };
        // k and v project to 2 heads of 48: 2·288·96 per layer instead of 2·288·288.
        var expected = 4.0 * (6 * (2 * 288 * 288 + 2 * 288 * 96 + 3 * 288 * 768) + 288 * 32000) + 12.0 * 6 * 256 * 288;
        Assert.That(TrainingFlops.PerToken(config, 256, fullFineTune: false), Is.EqualTo(expected));
    }

    [Test]
    public void TrainingBenchmarkResult_Mfu_IsAchievedOverCeiling()
    {
        var result = new TrainingBenchmarkResult("lora", "float32", 1, 1, TokensPerSecond: 500, 0, null, MflopsPerToken: 66, MatmulGflopsPerSecond: 66);
        Assert.That(result.AchievedGflopsPerSecond, Is.EqualTo(33).Within(1e-9));
        Assert.That(result.Mfu, Is.EqualTo(0.5).Within(1e-12));
    }

    [Test]
    public void MatmulGflopsPerSecond_SmallModel_IsPositiveAndFinite()
    {
        var config = ModelBenchmark.Stories15MShape with { HiddenSize = 64, IntermediateSize = 128, NumAttentionHeads = 4, NumKeyValueHeads = 4, NumHiddenLayers = 2, VocabSize = 512 };
        var gflops = TrainingFlops.MatmulGflopsPerSecond(config, rows: 32, TorchSharp.torch.ScalarType.Float32, repeats: 1);
        Assert.That(double.IsFinite(gflops) && gflops > 0, $"ceiling {gflops} GFLOP/s");
    }
}
