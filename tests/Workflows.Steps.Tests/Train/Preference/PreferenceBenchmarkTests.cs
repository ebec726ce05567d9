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
    public void PairsLoss_ShardsOfThePairs_AddUpToTheBatchsLoss()
    {
        using var model = LlamaLoader.Load(TrainTestData.Model);
        AdapterInjector.Apply(model, new LoraConfig { Rank = 4, Alpha = 8, TargetModules = ["q_proj", "v_proj"] }, null, seed: 1);
        using (no_grad())
        {
            foreach (var (_, layer) in AdapterInjector.Adapters(model)) layer.lora_B.weight!.normal_(0, 0.5, new Generator(3));   // policy ≠ reference
        }

        using var ids = randint(3, 512, [6, 17], generator: new Generator(2));
        var whole = PreferenceBenchmark.Loss(model, ids).item<float>();
        var (examples, references) = PreferenceBenchmark.Reference(model, ids, [(0, 2), (2, 1)], workers: 2);
        var shards = PreferenceBenchmark.PairsLoss(model, examples, references[0], 0, 2).item<float>() + PreferenceBenchmark.PairsLoss(model, examples, references[1], 2, 1).item<float>();

        Assert.That(whole, Is.Not.EqualTo(Math.Log(2)).Within(1e-3), "the adapter moved the policy");
        Assert.That(shards, Is.EqualTo(whole).Within(1e-5));
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
