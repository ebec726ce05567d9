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
}
