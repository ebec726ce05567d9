using Workflows.Steps.Train;
using Workflows.Steps.Train.Preference;
using Workflows.Torch.Adapters;
using Workflows.Torch.Llama;
using static TorchSharp.torch;

namespace Workflows.Steps.Tests.Train.Preference;

[TestFixture]
public sealed class PreferenceBenchmarkTests
{
    [Test]
    public void Loss_FreshAdapter_IsLn2AndTrainsOnlyTheAdapter()
    {
        using var model = LlamaLoader.Load(TrainTestData.Model);
        AdapterInjector.Apply(model, new LoraConfig { Rank = 4, Alpha = 8, TargetModules = ["q_proj", "v_proj"] }, null, seed: 1);
        using var ids = randint(3, 512, [4, 17], generator: new Generator(2));

        var loss = PreferenceBenchmark.Loss(model, ids);
        loss.backward();

        Assert.That(loss.item<float>(), Is.EqualTo(Math.Log(2)).Within(1e-6), "the reference is the model with the adapter off");
        var grads = AdapterInjector.TrainableParameters(model).Select(p => p.Parameter.grad).ToList();
        Assert.That(grads, Has.All.Not.Null);
        Assert.That(grads.Max(g => g!.abs().max().item<float>()), Is.GreaterThan(0f));
    }

    [Test]
    public void FlopsPerToken_AddsTheReferenceForwardToTheLoraStep()
    {
        var config = LlamaConfig.Load(Path.Combine(TrainTestData.Model, "config.json"));
        var lora = TrainingFlops.PerToken(config, 256, fullFineTune: false);
        var weights = (TrainingFlops.PerToken(config, 256, fullFineTune: true) - lora) / 2;
        Assert.That(PreferenceBenchmark.FlopsPerToken(config, 256), Is.EqualTo(lora + (2 * weights) + (4.0 * 5 * 256 * 64)).Within(1e-6));
    }
}
