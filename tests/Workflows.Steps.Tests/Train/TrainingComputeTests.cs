using Workflows.Engine.Caching;
using Workflows.Steps.Tests.TestSupport;
using Workflows.Steps.Train;
using Workflows.Torch.Adapters;
using Workflows.Torch.Checkpoints;
using Workflows.Torch.Llama;
using static TorchSharp.torch;

namespace Workflows.Steps.Tests.Train;

[TestFixture]
public sealed class TrainingComputeTests
{
    [Test]
    public async Task RunAsync_GradientCheckpointing_WritesTheSameAdapterBytes()
    {
        using var plain = new TestStepContext();
        var options = await TrainTestData.OptionsAsync(plain, validation: true);                 // LoRA dropout 0.1: the recomputation redraws its masks
        Assert.That((await new TrainStep().RunAsync(options, plain, CancellationToken.None)).Error, Is.Null);
        using var recomputed = new TestStepContext();
        Assert.That((await new TrainStep().RunAsync(options with { GradientCheckpointing = true }, recomputed, CancellationToken.None)).Error, Is.Null);

        Assert.That(recomputed.MetricHistory.Where(m => m.Key == "loss"), Is.EqualTo(plain.MetricHistory.Where(m => m.Key == "loss")));
        using var expected = SafetensorsFile.Open(Path.Combine(plain.Outputs["adapter"], PeftAdapterFiles.WeightsFile));
        using var actual = SafetensorsFile.Open(Path.Combine(recomputed.Outputs["adapter"], PeftAdapterFiles.WeightsFile));
        Assert.That(actual.Names, Is.EquivalentTo(expected.Names));
        foreach (var name in expected.Names) Assert.That(actual.ReadBytes(name), Is.EqualTo(expected.ReadBytes(name)), name);
    }

    [Test]
    public void Enter_TwoThreadsAndCheckpointing_AppliesThemUntilDisposed()
    {
        var model = LlamaLoader.Load(TrainTestData.Model);
        var before = get_num_threads();
        var options = new TrainOptions { Model = "m", Train = "t", Threads = before + 1, GradientCheckpointing = true };
        using (TrainingCompute.Enter(model, options))
        {
            Assert.That(get_num_threads(), Is.EqualTo(before + 1));
            Assert.That(model.model.GradientCheckpointing, Is.True);
        }

        Assert.That(get_num_threads(), Is.EqualTo(before));
        Assert.That(model.model.GradientCheckpointing, Is.False);
    }

    [Test]
    public void Fingerprint_OtherThreadCount_IsAnotherCacheEntry()
    {
        var options = new TrainOptions { Model = "m", Train = "t" };
        string Of(TrainOptions o) => Fingerprint.Compute("train", 4, CanonicalJson.ToNode(o));

        Assert.That(Of(options with { Threads = 2 }), Is.Not.EqualTo(Of(options)));
        Assert.That(Of(options with { Threads = 1 }), Is.EqualTo(Of(options)), "1 is the default");
    }
}
