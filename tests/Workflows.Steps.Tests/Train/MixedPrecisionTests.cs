using Workflows.Steps.Tests.TestSupport;
using Workflows.Steps.Train;
using Workflows.Torch.Adapters;
using Workflows.Torch.Checkpoints;
using static TorchSharp.torch;

namespace Workflows.Steps.Tests.Train;

/// <summary>QLoRA's base computes in bfloat16, yet the adapter trains in float32: at the default learning
/// rate an update of ~2e-4 is below half a bfloat16 step for most entries of A, so a bf16 adapter would
/// leave them where they started.</summary>
[TestFixture]
public sealed class MixedPrecisionTests
{
    [Test]
    public async Task RunAsync_Bf16QloraAtDefaultLr_MovesAtLeast99PercentOfAdapterEntries()
    {
        using var context = new TestStepContext();
        var options = await TrainTestData.OptionsAsync(context) with
        {
            Method = TrainMethod.Qlora, Optimizer = new OptimizerOptions(), MaxSteps = 8,
            Quantization = new QuantizationOptions { ComputeDtype = TrainDtype.Bfloat16 },
        };
        Dictionary<string, Tensor> initial;
        using (var fresh = TrainModel.Build(options.Model, options, TrainModel.AdapterConfig(options)))
            initial = PeftAdapterFiles.Tensors(fresh).ToDictionary(t => t.Key, t => t.Value.detach().clone());

        var result = await new TrainStep().RunAsync(options, context, CancellationToken.None);
        Assert.That(result.Error, Is.Null);

        using var file = SafetensorsFile.Open(Path.Combine(context.Outputs["adapter"], PeftAdapterFiles.WeightsFile));
        long moved = 0, total = 0;
        var dtypes = new HashSet<ScalarType>();
        foreach (var (name, before) in initial)
        {
            using var after = file.Read(name);
            dtypes.Add(after.dtype);
            moved += after.to_type(ScalarType.Float32).ne(before.to_type(ScalarType.Float32)).sum().item<long>();
            total += before.numel();
        }

        var share = (double)moved / total;
        TestContext.Out.WriteLine($"bf16 QLoRA, {options.MaxSteps} steps at lr {options.Optimizer.Lr}: {moved} of {total} adapter entries moved ({share:P2})");
        Assert.That(dtypes, Is.EquivalentTo(new[] { ScalarType.Float32 }));
        Assert.That(share, Is.GreaterThanOrEqualTo(0.99));
    }

    [Test]
    public void AdamW_Bfloat16Parameter_AddsUpUpdatesSmallerThanHalfABfloat16Step()
    {
        // Adam's first updates are lr each (m̂/√v̂ = 1 for a constant gradient): 1e-4, far below half of
        // bfloat16's step just under 1 (2⁻⁹ ≈ 0.002), so a bf16 weight updated in place would stay at 1.
        using var parameter = ones([16], ScalarType.BFloat16).requires_grad_(true);
        var optimizer = new AdamW([("w", parameter)], new OptimizerOptions { Lr = 1e-4, WeightDecay = 0 });
        for (var step = 0; step < 50; step++)
        {
            parameter.grad = ones([16], ScalarType.BFloat16);
            optimizer.Step(1e-4);
        }

        var state = optimizer.State().ToDictionary(p => p.Key, p => p.Value);
        Assert.That(optimizer.MasterCopies, Is.EquivalentTo(new[] { "w" }));
        Assert.That(state["w.master"].dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(state["w.master"][0].item<float>(), Is.EqualTo(1 - (50 * 1e-4)).Within(1e-5), "the master holds every update");
        Assert.That(parameter.to_type(ScalarType.Float32)[0].item<float>(), Is.EqualTo(0.99609375f), "the parameter is the master rounded to bfloat16");
    }

    [Test]
    public void AdamW_Float32Parameter_HasNoMasterCopy()
    {
        using var parameter = ones([4]).requires_grad_(true);
        var optimizer = new AdamW([("w", parameter)], new OptimizerOptions());
        Assert.That(optimizer.MasterCopies, Is.Empty);
        Assert.That(optimizer.State().Select(p => p.Key), Is.EquivalentTo(new[] { "w.exp_avg", "w.exp_avg_sq" }));
    }
}
