using NUnit.Framework;
using Workflows.Torch.Engine;
using static TorchSharp.torch;

namespace Workflows.Torch.Tests.Engine;

public class TrainingRandomnessTests
{
    private static float[] Values(Tensor tensor) => tensor.data<float>().ToArray();

    [Test]
    public void Dropout_DefaultGenerator_SameValuesAsNnDropout()
    {
        using var x = randn([64, 48], generator: new Generator(2));
        using var dropout = nn.Dropout(0.3);
        manual_seed(11);
        using var expected = dropout.forward(x);
        manual_seed(11);
        using var actual = TrainingRandomness.Dropout(x, 0.3);
        Assert.That(Values(actual), Is.EqualTo(Values(expected)), "the same mask and scale, bit for bit");
        Assert.That(actual.eq(Scalars.Of(0.0)).sum().item<long>(), Is.InRange(600, 1250), "about 30 % of 3,072 dropped");
    }

    [Test]
    public void Use_ThreadsOwnGenerator_DrawsFromItAndLeavesTheDefaultAlone()
    {
        using var x = ones([32, 32]);
        manual_seed(5);
        using var before = get_rng_state();
        Tensor first, second;
        using (var generator = new Generator(9))
        using (TrainingRandomness.Use(generator))
        {
            first = TrainingRandomness.Dropout(x, 0.5);
        }

        using (var generator = new Generator(9))
        using (TrainingRandomness.Use(generator))
        {
            second = TrainingRandomness.Uniform(x, -1, 1);
        }

        using var after = get_rng_state();
        Assert.That(after.data<byte>().ToArray(), Is.EqualTo(before.data<byte>().ToArray()), "the default generator was not drawn from");
        Assert.That(TrainingRandomness.Current, Is.Null, "the scope put the default back");
        using var again = new Generator(9);
        using (TrainingRandomness.Use(again)) Assert.That(Values(TrainingRandomness.Dropout(x, 0.5)), Is.EqualTo(Values(first)), "the same seed, the same mask");
        Assert.That(second.abs().max().item<float>(), Is.LessThanOrEqualTo(1f));
    }

    [Test]
    public void GetStateSetState_ThreadsGenerator_ReplaysTheSameNumbers()
    {
        using var x = ones([16, 16]);
        using var generator = new Generator(4);
        using var scope = TrainingRandomness.Use(generator);
        using var state = TrainingRandomness.GetState();
        using var first = TrainingRandomness.Dropout(x, 0.5);
        TrainingRandomness.SetState(state);
        using var replay = TrainingRandomness.Dropout(x, 0.5);
        Assert.That(Values(replay), Is.EqualTo(Values(first)));
    }
}
