using NUnit.Framework;
using Workflows.Torch.Adapters;

namespace Workflows.Torch.Tests.Adapters;

public class AdapterInjectorTests
{
    private static readonly string[] Paths =
    [
        "model.layers.0.self_attn.q_proj", "model.layers.0.self_attn.v_proj", "model.layers.0.mlp.up_proj",
        "model.layers.1.self_attn.q_proj", "model.layers.1.self_attn.v_proj", "model.layers.1.mlp.up_proj",
    ];

    [Test]
    public void Resolve_LastSegmentNames_MatchEveryLayerInModelOrder()
    {
        Assert.That(AdapterInjector.Resolve(Paths, ["v_proj", "q_proj"]), Is.EqualTo(new[] { Paths[0], Paths[1], Paths[3], Paths[4] }));
    }

    [Test]
    public void Resolve_RegexOverPaths_MatchesWholePathOnly()
    {
        Assert.That(AdapterInjector.Resolve(Paths, [@"model\.layers\.1\..*_proj"]), Is.EqualTo(Paths[3..]));
    }

    [Test]
    public void Resolve_UnknownTarget_ErrorListsValidNames()
    {
        var error = Expect.Failure<AdapterConfigException>(() => AdapterInjector.Resolve(Paths, ["q_proj", "qproj"]));
        Assert.That(error.Message, Does.Contain("'qproj'").And.Contain("q_proj, up_proj, v_proj"));
    }

    [TestCase(0, "at least 1")]
    [TestCase(33, "at most 32")]
    public void Apply_RankOutOfRange_FailsNamingTheLimit(int rank, string expected)
    {
        var model = AdapterModels.Fresh();                                    // k_proj is 64 → 32
        var error = Expect.Failure<AdapterConfigException>(() => AdapterInjector.Apply(model, new LoraConfig { Rank = rank, TargetModules = ["k_proj"] }));
        Assert.That(error.Message, Does.Contain(expected));
    }

    [Test]
    public void Apply_Qlora_QuantisesEveryLinearAndWrapsTargets()
    {
        var model = AdapterModels.Fresh();
        var wrapped = AdapterInjector.Apply(model, new LoraConfig { Rank = 2, TargetModules = ["q_proj"] }, new Nf4Options());
        Assert.That(wrapped, Has.Count.EqualTo(5));
        Assert.That(model.named_modules().Count(m => m.module is Nf4Linear), Is.EqualTo(35));
        Assert.That(AdapterInjector.TrainableParameters(model).Count(), Is.EqualTo(10));
    }

    [Test]
    public void Apply_ModelInEvalMode_AdapterDropoutStaysOff()
    {
        using var model = AdapterModels.Fresh(); // loaded for inference: eval mode
        AdapterInjector.Apply(model, new LoraConfig { Rank = 4, Dropout = 0.5 }, seed: 1);
        using (TorchSharp.torch.no_grad())
            foreach (var (_, layer) in AdapterInjector.Adapters(model)) layer.lora_B.weight!.fill_(0.1f);
        using var ids = TorchSharp.torch.tensor(new long[] { 1, 403, 407, 261 }, [1, 4]);
        using var first = model.forward(ids);
        using var second = model.forward(ids);
        using var difference = (first - second).abs().max();
        Assert.That(difference.item<float>(), Is.Zero, "dropout would make two forwards differ");
    }
}
