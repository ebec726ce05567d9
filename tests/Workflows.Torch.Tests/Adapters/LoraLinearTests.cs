using NUnit.Framework;
using TorchSharp;
using Workflows.Torch.Adapters;
using static TorchSharp.torch;

namespace Workflows.Torch.Tests.Adapters;

public class LoraLinearTests
{
    [TestCase(false)]
    [TestCase(true)]
    public void Forward_AtInitialisation_ReproducesBaseLogitsExactly(bool dora)
    {
        using var reference = AdapterModels.Logits(AdapterModels.Fresh());
        var model = AdapterModels.Fresh();
        AdapterInjector.Apply(model, new LoraConfig { Rank = 4, TargetModules = AdapterModels.AllProjections, UseDora = dora }, seed: 3);
        using var logits = AdapterModels.Logits(model);
        Assert.That(TensorAssert.Identical(logits, reference), Is.True);
    }

    [Test]
    public void Constructor_Initialisation_AIsKaimingUniformAndBIsZero()
    {
        torch.manual_seed(0);
        using var layer = new LoraLinear(nn.Linear(256, 64, hasBias: false), new LoraConfig { Rank = 8 });
        var a = layer.lora_A.weight!;
        var b = layer.lora_B.weight!;
        var bound = 1 / Math.Sqrt(256);                                    // kaiming_uniform_(a=√5) on fan_in 256
        Assert.That(a.abs().max().item<float>(), Is.LessThanOrEqualTo(bound).And.GreaterThan(0.95 * bound));
        Assert.That(a.std().item<float>(), Is.EqualTo(bound / Math.Sqrt(3)).Within(0.02 * bound));
        Assert.That(b.abs().sum().item<float>(), Is.Zero);
    }

    [Test]
    public void Forward_HandSetWeights_AddsScaledLowRankUpdate()
    {
        // W = I (2×2), A = [1 1], B = [0.5; 0.25], r = 1, alpha = 2 → s = 2; x = [1, 3]:
        // W x = [1, 3]; A x = 4; s B A x = [4, 2]; y = [1 + 4, 3 + 2] = [5, 5].
        using var layer = HandSet(useDora: false, useRsLora: false);
        using var y = layer.forward(tensor(new float[] { 1, 3 }, [1, 2]));
        Assert.That(y.data<float>().ToArray(), Is.EqualTo(new float[] { 5, 5 }));
    }

    [Test]
    public void Forward_DropoutInEvalMode_IsSwitchedOff()
    {
        using var layer = HandSet(useDora: false, useRsLora: false, dropout: 0.9);
        using var x = tensor(new float[] { 1, 3 }, [1, 2]);
        layer.train();
        var trained = Enumerable.Range(0, 20).Select(_ => layer.forward(x).data<float>().ToArray()).ToList();
        layer.eval();
        Assert.That(trained, Has.Some.Not.EqualTo(new float[] { 5, 5 }), "dropout acts while training");
        Assert.That(layer.forward(x).data<float>().ToArray(), Is.EqualTo(new float[] { 5, 5 }));
    }

    [Test]
    public void Scaling_RsLora_IsAlphaOverSquareRootOfRank()
    {
        Assert.That(new LoraConfig { Rank = 16, Alpha = 8, UseRsLora = true }.Scaling, Is.EqualTo(2.0));
        Assert.That(new LoraConfig { Rank = 16, Alpha = 8 }.Scaling, Is.EqualTo(0.5));
    }

    [Test]
    public void Forward_DoraHandSetWeights_RescalesRowsToMagnitude()
    {
        // Same layer as above with DoRA: W + sBA = [[2, 1], [0.5, 1.5]]; row norms √5 and √2.5.
        // m starts at ‖W‖ = [1, 1], so y = [5/√5, 5/√2.5] = [2.23607, 3.16228].
        using var layer = HandSet(useDora: true, useRsLora: false);
        using var y = layer.forward(tensor(new float[] { 1, 3 }, [1, 2]));
        var values = y.data<float>().ToArray();
        Assert.That(values[0], Is.EqualTo(5 / Math.Sqrt(5)).Within(1e-5));
        Assert.That(values[1], Is.EqualTo(5 / Math.Sqrt(2.5)).Within(1e-5));
    }

    [Test]
    public void Forward_DoraWithDropoutSeeded_FollowsPeftFormula()
    {
        // PEFT: y = W x + (m/n − 1)·W·drop(x) + (m/n)·s·B A drop(x), n = ‖W + s·BA‖ per row.
        var generator = new Generator(7);
        var linear = nn.Linear(6, 3, hasBias: false);
        using (no_grad()) linear.weight!.copy_(randn(3, 6, generator: generator));
        using var layer = new LoraLinear(linear, new LoraConfig { Rank = 2, Alpha = 4, UseDora = true, Dropout = 0.5 });
        using (no_grad())
        {
            layer.lora_A.weight!.copy_(randn(2, 6, generator: generator));
            layer.lora_B.weight!.copy_(randn(3, 2, generator: generator));
            layer.lora_magnitude_vector!.copy_(tensor(new float[] { 0.5f, 2f, 3f }));
        }

        using var x = randn(4, 6, generator: generator);
        layer.train();
        torch.manual_seed(11);
        using var y = layer.forward(x);
        torch.manual_seed(11);
        using var dropped = nn.functional.dropout(x, 0.5, training: true);                   // the same mask
        using var w = linear.weight!.detach();
        using var norm = (w + (2.0 * layer.lora_B.weight!.detach().matmul(layer.lora_A.weight!.detach()))).norm(1, keepdim: false);
        using var scale = layer.lora_magnitude_vector!.detach() / norm;
        using var expected = x.matmul(w.t()) + ((scale - 1) * dropped.matmul(w.t())) + (scale * (2.0 * dropped.matmul(layer.lora_A.weight!.detach().t()).matmul(layer.lora_B.weight!.detach().t())));
        using var oldFormula = scale * (x.matmul(w.t()) + (2.0 * dropped.matmul(layer.lora_A.weight!.detach().t()).matmul(layer.lora_B.weight!.detach().t())));
        Assert.That(dropped.eq(0).any().item<bool>(), Is.True, "the seed must drop something");
        Assert.That((y - expected).abs().max().item<float>(), Is.LessThan(1e-5f));
        Assert.That((y - oldFormula).abs().max().item<float>(), Is.GreaterThan(1e-2f), "scaling W·x instead of W·drop(x) must be told apart");
    }

    [Test]
    public void Backward_Dora_NormIsAConstantToTheGradient()
    {
        // Hand-set layer (W = I, A = [1 1], B = [0.5; 0.25], s = 2, m = [1, 1], x = [1, 3]): n = [√5, √2.5].
        // With n constant: ∂Σy/∂m = (W x + s·B A x) / n = [5/√5, 5/√2.5] and
        // ∂Σy/∂A = Σᵢ (mᵢ/nᵢ)·s·Bᵢ · xᵀ = 2·(0.5/√5 + 0.25/√2.5)·[1, 3]; a norm on the graph would add terms.
        var linear = nn.Linear(2, 2, hasBias: false);
        using (no_grad()) linear.weight!.copy_(eye(2));
        using var layer = new LoraLinear(linear, new LoraConfig { Rank = 1, Alpha = 2, UseDora = true });
        using (no_grad())
        {
            layer.lora_A.weight!.copy_(tensor(new float[] { 1, 1 }, [1, 2]));
            layer.lora_B.weight!.copy_(tensor(new float[] { 0.5f, 0.25f }, [2, 1]));
        }

        using var y = layer.forward(tensor(new float[] { 1, 3 }, [1, 2]));
        y.sum().backward();
        var grad = layer.lora_magnitude_vector!.grad!.data<float>().ToArray();
        Assert.That(grad[0], Is.EqualTo(5 / Math.Sqrt(5)).Within(1e-5));
        Assert.That(grad[1], Is.EqualTo(5 / Math.Sqrt(2.5)).Within(1e-5));
        var factor = 2 * ((0.5 / Math.Sqrt(5)) + (0.25 / Math.Sqrt(2.5)));
        var gradA = layer.lora_A.weight!.grad!.data<float>().ToArray();
        Assert.That(gradA[0], Is.EqualTo(factor).Within(1e-5));
        Assert.That(gradA[1], Is.EqualTo(3 * factor).Within(1e-5));
    }

    [Test]
    public void Constructor_Bfloat16AndNf4Bases_AdapterParametersAreFloat32AndOutputKeepsBaseDtype()
    {
        var bf16 = nn.Linear(64, 32, hasBias: false, dtype: ScalarType.BFloat16);
        using var onBf16 = new LoraLinear(bf16, new LoraConfig { Rank = 4, UseDora = true });
        using var weight = randn(32, 64);
        using var onNf4 = new LoraLinear(new Nf4Linear(weight, new Nf4Options()), new LoraConfig { Rank = 4, UseDora = true });
        foreach (var layer in new[] { onBf16, onNf4 })
        {
            Assert.That(layer.lora_A.weight!.dtype, Is.EqualTo(ScalarType.Float32));
            Assert.That(layer.lora_B.weight!.dtype, Is.EqualTo(ScalarType.Float32));
            Assert.That(layer.lora_magnitude_vector!.dtype, Is.EqualTo(ScalarType.Float32));
        }

        using var x = randn(2, 64, dtype: ScalarType.BFloat16);
        using var y = onBf16.forward(x);
        Assert.That(y.dtype, Is.EqualTo(ScalarType.BFloat16));
        using var x32 = randn(2, 64);
        using var y32 = onNf4.forward(x32);
        Assert.That(y32.dtype, Is.EqualTo(ScalarType.Float32));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Merge_ThenUnmerge_MatchesAdapterThenRestoresBase(bool dora)
    {
        var model = AdapterModels.Fresh();
        using var baseLogits = AdapterModels.Logits(model);
        AdapterInjector.Apply(model, new LoraConfig { Rank = 4, TargetModules = ["q_proj", "down_proj"], UseDora = dora }, seed: 5);
        AdapterModels.Perturb(model, 11);
        using var adapted = AdapterModels.Logits(model);
        foreach (var (_, layer) in AdapterInjector.Adapters(model)) layer.Merge();
        using var merged = AdapterModels.Logits(model);
        foreach (var (_, layer) in AdapterInjector.Adapters(model)) layer.Unmerge();
        using var restored = AdapterModels.Logits(model);
        Assert.That((adapted - baseLogits).abs().max().item<float>(), Is.GreaterThan(1e-2f), "the perturbed adapter must change the output");
        Assert.That((merged - adapted).abs().max().item<float>(), Is.LessThan(1e-4f));
        Assert.That((restored - adapted).abs().max().item<float>(), Is.LessThan(1e-4f));
    }

    [Test]
    public void Backward_OneStep_GradientsReachOnlyAdapterParameters()
    {
        var model = AdapterModels.Fresh();
        AdapterInjector.Apply(model, new LoraConfig { Rank = 2, TargetModules = ["v_proj"], UseDora = true }, seed: 1);
        using var ids = AdapterModels.Ids();
        using var loss = Workflows.Torch.Evaluation.LanguageModelLoss.CrossEntropy(model.forward(ids.narrow(1, 0, 5).contiguous()), ids.narrow(1, 1, 5).contiguous());
        loss.backward();
        var trainable = AdapterInjector.TrainableParameters(model).Select(p => p.Name).ToList();
        Assert.That(trainable, Has.Count.EqualTo(5 * 3));
        Assert.That(trainable, Has.All.Match("lora_(A|B)\\.weight$|lora_magnitude_vector$"));
        Assert.That(model.named_parameters().Where(p => p.parameter.grad is not null).Select(p => p.name), Is.EquivalentTo(trainable));
    }

    private static LoraLinear HandSet(bool useDora, bool useRsLora, double dropout = 0)
    {
        var linear = nn.Linear(2, 2, hasBias: false);
        using (no_grad())
        {
            linear.weight!.copy_(eye(2));
        }

        var layer = new LoraLinear(linear, new LoraConfig { Rank = 1, Alpha = 2, UseDora = useDora, UseRsLora = useRsLora, Dropout = dropout });
        using (no_grad())
        {
            layer.lora_A.weight!.copy_(tensor(new float[] { 1, 1 }, [1, 2]));
            layer.lora_B.weight!.copy_(tensor(new float[] { 0.5f, 0.25f }, [2, 1]));
        }

        return layer;
    }
}
