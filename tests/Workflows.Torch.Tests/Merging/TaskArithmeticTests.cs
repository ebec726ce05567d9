using NUnit.Framework;
using TorchSharp;
using Workflows.Torch.Merging;
using static TorchSharp.torch;

namespace Workflows.Torch.Tests.Merging;

public class TaskArithmeticTests
{
    // Two tasks of four entries: signs disagree on entries 1 and 3.
    private static Tensor Tasks() => tensor(new float[] { 4, -1, 2, 3, 1, 2, -5, -0.5f }, [2, 4]);

    private static float[] Values(Tensor t) => t.data<float>().ToArray();

    [Test]
    public void MagnitudePrune_HalfDensity_KeepsTheTwoLargestMagnitudes()
    {
        using var pruned = TaskArithmetic.MagnitudePrune(tensor(new float[] { 4, -1, 2, 3 }), 0.5);
        Assert.That(Values(pruned), Is.EqualTo(new float[] { 4, 0, 0, 3 }));
    }

    [Test]
    public void Ties_HandMadeTasks_AveragesOnlyValuesAgreeingWithElectedSign()
    {
        // Pruned at 0.5: t1 = [4, 0, 0, 3], t2 = [0, 2, -5, 0]. Total sign: [+, +, -, +].
        // Weights [1, 0.5]: weighted t2 = [0, 1, -2.5, 0]; each entry has one agreeing task → [4, 1, -2.5, 3].
        using var merged = TaskArithmetic.Ties(Tasks(), tensor(new float[] { 1, 0.5f }), 0.5, MajoritySign.Total);
        Assert.That(Values(merged), Is.EqualTo(new float[] { 4, 1, -2.5f, 3 }));
    }

    [Test]
    public void Ties_FullDensity_DisjointMeanOfAgreeingEntries()
    {
        // Full density, weights 1: entry 0: 4 and 1 agree (+) → 2.5; entry 1: -1, 2 → sum +1 → + → 2;
        // entry 2: 2, -5 → - → -5; entry 3: 3, -0.5 → + → 3.
        using var merged = TaskArithmetic.Ties(Tasks(), tensor(new float[] { 1, 1 }), 1.0, MajoritySign.Total);
        Assert.That(Values(merged), Is.EqualTo(new float[] { 2.5f, 2, -5, 3 }));
    }

    [Test]
    public void MajoritySignMask_Frequency_CountsVotesNotMagnitudes()
    {
        // Entry 2: signs + and - tie in votes → elected +, although the sum (-3) is negative.
        using var mask = TaskArithmetic.MajoritySignMask(Tasks(), MajoritySign.Frequency);
        Assert.That(mask[0, 2].item<bool>(), Is.True);
        using var total = TaskArithmetic.MajoritySignMask(Tasks(), MajoritySign.Total);
        Assert.That(total[0, 2].item<bool>(), Is.False);
    }

    [Test]
    public void DareLinear_SameSeed_SameResultAndKeepsExpectation()
    {
        using var tasks = ones(2, 20000);
        using var first = TaskArithmetic.DareLinear(tasks, tensor(new float[] { 1, 1 }), 0.25, new Generator(5));
        using var second = TaskArithmetic.DareLinear(tasks, tensor(new float[] { 1, 1 }), 0.25, new Generator(5));
        Assert.That(TensorAssert.Identical(first, second), Is.True);
        // Survivors are 1 / 0.25 = 4; the mean over many entries stays near 2 (the sum of the two tasks).
        Assert.That(first.mean().item<float>(), Is.EqualTo(2f).Within(0.1f));
        Assert.That(Values(first).Distinct().Order(), Is.SubsetOf(new float[] { 0, 4, 8 }));
    }

    [Test]
    public void DareTies_FullDensity_EqualsTies()
    {
        using var weights = tensor(new float[] { 1, 0.5f });
        using var dare = TaskArithmetic.DareTies(Tasks(), weights, 1.0, MajoritySign.Total, new Generator(1));
        using var ties = TaskArithmetic.Ties(Tasks(), weights, 1.0, MajoritySign.Total);
        Assert.That(Values(dare), Is.EqualTo(Values(ties)));
    }
}
