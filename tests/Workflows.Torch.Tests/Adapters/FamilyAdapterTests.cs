using NUnit.Framework;
using TorchSharp.Modules;
using Workflows.Torch.Adapters;
using Workflows.Torch.Checkpoints;
using Workflows.Torch.Llama;
using Workflows.Torch.Merging;
using Workflows.Torch.Tests.Llama;
using static TorchSharp.torch;

namespace Workflows.Torch.Tests.Adapters;

/// <summary>LoRA, DoRA, QLoRA, merge and save on every family's tiny checkpoint: biases and q/k norms stay frozen and are kept.</summary>
public class FamilyAdapterTests
{
    private static readonly string[] Families = FamilyFixtures.Names;

    [TestCaseSource(nameof(Families))]
    public void Apply_DefaultTargetModules_WrapTheFourAttentionProjectionsAndFreezeBiasesAndNorms(string family)
    {
        using var model = FamilyFixtures.Model(family);
        var wrapped = AdapterInjector.Apply(model, new LoraConfig { Rank = 4 }, seed: 1);
        Assert.That(wrapped, Has.Count.EqualTo(2 * 4));                                          // 2 layers × q, k, v, o
        var trainable = AdapterInjector.TrainableParameters(model).Select(p => p.Name).ToList();
        Assert.That(trainable, Has.Count.EqualTo(2 * 4 * 2).And.All.Contain("lora_"));
        var frozen = model.named_parameters().Where(p => p.name.EndsWith(".bias", StringComparison.Ordinal) || p.name.Contains("_norm.")).ToList();
        Assert.That(frozen.All(p => !p.parameter.requires_grad), Is.True);
        if (model.Config.QkvBias)
        {
            Assert.That(frozen.Select(p => p.name), Does.Contain("model.layers.0.self_attn.q_proj.base_layer.bias"));
        }
    }

    [TestCase("qwen25", false)]
    [TestCase("qwen25", true)]
    [TestCase("tinyllama", true)]
    [TestCase("qwen3", true)]
    [TestCase("mistral", true)]
    public void MergeAll_AdaptedFamilyModel_EqualsAdaptedForwardAndSavesBiasesAndNorms(string family, bool dora)
    {
        using var model = FamilyFixtures.Model(family);
        var config = new LoraConfig { Rank = 4, TargetModules = AdapterModels.AllProjections, UseDora = dora };
        AdapterInjector.Apply(model, config, seed: 2);
        AdapterModels.Perturb(model, 5);
        var tokens = FamilyFixtures.Reference(family).Tokens;
        using var ids = tensor(tokens, [1, tokens.Length]);
        using var adapted = Forward(model, ids);

        AdapterMerger.MergeAll(model, ScalarType.Float32);
        using var merged = Forward(model, ids);
        Assert.That((merged - adapted).abs().max().item<float>(), Is.LessThan(1e-4f), "merged weights (bias outside the DoRA magnitude) must compute what the adapter did");

        using var folder = new TemporaryFolder();
        LlamaSaver.Save(model, folder.Path);
        using (var file = SafetensorsFile.Open(folder.File("model.safetensors")))
        {
            var expected = model.named_parameters().Select(p => p.name).Order(StringComparer.Ordinal);
            Assert.That(file.Names.Order(StringComparer.Ordinal), Is.EqualTo(expected));
        }

        using var reloaded = LlamaLoader.Load(folder.Path);
        Assert.That(reloaded.Config.Architecture, Is.EqualTo(model.Config.Architecture));
        Assert.That(reloaded.Config.AttentionWindow, Is.EqualTo(model.Config.AttentionWindow));
        using var again = Forward(reloaded, ids);
        Assert.That((again - merged).abs().max().item<float>(), Is.LessThan(1e-6f));
    }

    [Test]
    public void Apply_QloraOnQwen25_KeepsEveryBiasUnquantisedThroughMerge()
    {
        using var original = FamilyFixtures.Model("qwen25");
        using var model = FamilyFixtures.Model("qwen25");
        AdapterInjector.Apply(model, new LoraConfig { Rank = 4, TargetModules = ["q_proj", "v_proj"] }, new Nf4Options { ComputeDtype = ScalarType.Float32 }, seed: 3);
        var quantisedBiases = model.named_modules().Where(m => m.module is Nf4Linear { bias: not null }).Count();
        Assert.That(quantisedBiases, Is.EqualTo(2 * 3));                                          // q, k, v in 2 layers

        var tokens = FamilyFixtures.Reference("qwen25").Tokens;
        using var ids = tensor(tokens, [1, tokens.Length]);
        using var adapted = Forward(model, ids);
        AdapterMerger.MergeAll(model, ScalarType.Float32);
        using var merged = Forward(model, ids);
        Assert.That((merged - adapted).abs().max().item<float>(), Is.LessThan(1e-4f));
        var biases = original.named_parameters().Where(p => p.name.EndsWith(".bias", StringComparison.Ordinal)).ToList();
        var after = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.That(biases, Has.Count.EqualTo(6));
        foreach (var (name, bias) in biases)
        {
            Assert.That(TensorAssert.Identical(after[name], bias), Is.True, name);
        }
    }

    private static Tensor Forward(LlamaForCausalLM model, Tensor ids)
    {
        using var noGrad = no_grad();
        return model.forward(ids);
    }
}
