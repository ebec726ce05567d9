using Workflows.Steps.Train;

namespace Workflows.Steps.Tests.Train;

/// <summary><c>neftune_noise_alpha</c>: noisy embeddings while training, clean ones for validation, the same adapter every run.</summary>
[TestFixture]
public sealed class NeftuneTests
{
    private static Task<(IReadOnlyDictionary<string, double> Metrics, byte[] Adapter)> TrainAsync(double? alpha) =>
        TrainTestData.TrainAsync(o => o with { NeftuneNoiseAlpha = alpha });

    [Test]
    public async Task RunAsync_WithNoiseAlpha_TrainsOtherwiseValidatesCleanAndRepeats()
    {
        var plain = await TrainAsync(null);
        var noisy = await TrainAsync(5);
        var again = await TrainAsync(5);
        Assert.That(noisy.Metrics["base_val_loss"], Is.EqualTo(plain.Metrics["base_val_loss"]), "validation sees clean embeddings");
        Assert.That(noisy.Adapter, Is.Not.EqualTo(plain.Adapter), "training saw the noise");
        Assert.That(noisy.Metrics["best_val_loss"], Is.LessThan(noisy.Metrics["base_val_loss"]));
        Assert.That(again.Adapter, Is.EqualTo(noisy.Adapter), "the noise comes from the step's seed");
    }

    [Test]
    public void Validate_NoiseWithAPreferenceObjective_IsAnError()
    {
        var options = new TrainOptions { Model = "m", Train = "t", NeftuneNoiseAlpha = 5 };
        Assert.That(options.Validate(), Is.Empty);
        Assert.That((options with { Objective = TrainObjective.Dpo }).Validate().Single().Key, Is.EqualTo("neftune_noise_alpha"));
    }
}
