using NUnit.Framework;
using TorchSharp;
using Workflows.Torch.Adapters;
using Workflows.Torch.Merging;
using static TorchSharp.torch;

namespace Workflows.Torch.Tests.Merging;

public class LowRankCombinerTests
{
    private static readonly double[] Weights = [0.7, -0.4];

    private static List<LowRankFactors> TwoAdapters(int rank1 = 4, int rank2 = 3)
    {
        var generator = new Generator(11);
        return
        [
            new(randn(rank1, 12, generator: generator), randn(10, rank1, generator: generator), 2.0),
            new(randn(rank2, 12, generator: generator), randn(10, rank2, generator: generator), 0.5),
        ];
    }

    private static Tensor WeightedSum(List<LowRankFactors> sources, IReadOnlyList<double> weights) =>
        sources.Select((s, i) => DeltaWeight.Of(s.A, s.B, s.Scaling * weights[i])).Aggregate((x, y) => x + y);

    [Test]
    public void Cat_TwoAdapters_EqualsWeightedSumOfDeltasExactlyAndAddsRanks()
    {
        var sources = TwoAdapters();
        var result = LowRankCombiner.Cat(sources, Weights);
        using var delta = DeltaWeight.Of(result.A, result.B, result.Scaling);
        using var expected = WeightedSum(sources, Weights);
        Assert.That(result.Rank, Is.EqualTo(7));
        Assert.That((delta - expected).abs().max().item<float>(), Is.LessThan(1e-5f));
    }

    [Test]
    public void Svd_FullRank_EqualsWeightedSumOfDeltas()
    {
        var sources = TwoAdapters();
        var result = LowRankCombiner.Svd(sources, Weights, rank: 7);
        using var delta = DeltaWeight.Of(result.A, result.B, result.Scaling);
        using var expected = WeightedSum(sources, Weights);
        Assert.That((delta - expected).abs().max().item<float>(), Is.LessThan(1e-4f));
    }

    [Test]
    public void Svd_TruncatedRank_ErrorIsTheDroppedSingularValues()
    {
        var sources = TwoAdapters();
        var result = LowRankCombiner.Svd(sources, Weights, rank: 2);
        using var expected = WeightedSum(sources, Weights);
        using var singular = linalg.svdvals(expected);
        using var delta = DeltaWeight.Of(result.A, result.B, result.Scaling);
        // Eckart–Young: the Frobenius error of the best rank-2 approximation is √(Σ_{i>2} σᵢ²).
        var error = linalg.norm(delta - expected).item<float>();
        var dropped = singular[2..].pow(2).sum().sqrt().item<float>();
        Assert.That(result.Rank, Is.EqualTo(2));
        Assert.That(error, Is.EqualTo(dropped).Within(1e-3 * dropped));
    }

    [Test]
    public void TaskArithmeticOnFactors_OneAdapterWeightOne_ReproducesItsDelta()
    {
        var source = TwoAdapters()[0];
        var result = LowRankCombiner.TaskArithmeticOnFactors([source], [1.0], TaskArithmetic.Linear);
        using var delta = DeltaWeight.Of(result.A, result.B, result.Scaling);
        using var expected = DeltaWeight.Of(source.A, source.B, source.Scaling);
        Assert.That((delta - expected).abs().max().item<float>(), Is.LessThan(1e-5f));
    }

    [Test]
    public void TaskArithmeticOnFactors_LinearTwoAdapters_IsNotTheWeightedSumOfDeltas()
    {
        var sources = TwoAdapters(rank1: 3, rank2: 3);
        var result = LowRankCombiner.TaskArithmeticOnFactors(sources, [0.5, 0.5], TaskArithmetic.Linear);
        using var delta = DeltaWeight.Of(result.A, result.B, result.Scaling);
        using var sum = WeightedSum(sources, [0.5, 0.5]);
        // Linear mixes factors: (Σ√(wᵢsᵢ)Bᵢ)(Σ√(wⱼsⱼ)Aⱼ) has cross terms Bᵢ Aⱼ, so it differs from Σ wᵢ sᵢ Bᵢ Aᵢ.
        Assert.That((delta - sum).abs().max().item<float>(), Is.GreaterThan(0.1f));
    }

    [Test]
    public void TaskArithmeticOnFactors_UnequalRanks_Throws()
    {
        Assert.Throws<ArgumentException>(() => LowRankCombiner.TaskArithmeticOnFactors(TwoAdapters(), [1.0, 1.0], TaskArithmetic.Linear));
    }
}
