using TorchSharp;
using Workflows.Steps.Tests.TestSupport;
using Workflows.Torch.Adapters;
using Workflows.Torch.Llama;
using static TorchSharp.torch;

namespace Workflows.Steps.Tests.Merge;

/// <summary>Random adapters on stories260K written as PEFT folders: B drawn off zero so each adapter changes the output.</summary>
internal static class TinyAdapters
{
    public static string Stories260K => Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "models", "stories260K"));

    public static string Write(string folder, long seed, int rank = 4, bool dora = false, string[]? targets = null, bool quantised = false, string? baseName = "stories260K",
        bool poisoned = false, int blockSize = 64)
    {
        using var model = LlamaLoader.Load(Stories260K);
        var quantisation = quantised ? new Nf4Options { BlockSize = blockSize, ComputeDtype = ScalarType.Float32 } : null;
        var config = new LoraConfig
        {
            Rank = rank, Alpha = 2 * rank, UseDora = dora, BaseModelNameOrPath = baseName, BaseQuantization = quantisation,
            TargetModules = targets ?? ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
        };
        AdapterInjector.Apply(model, config, quantisation, seed);
        var generator = new Generator((ulong)seed);
        using (no_grad())
        {
            foreach (var (_, layer) in AdapterInjector.Adapters(model))
            {
                layer.lora_B.weight!.copy_(randn(layer.lora_B.weight!.shape, generator: generator) * 0.05);
                layer.lora_magnitude_vector?.mul_(1.0 + (0.2 * rand(layer.lora_magnitude_vector.shape, generator: generator)));
            }
        }

        if (poisoned)
        {
            using var noGrad = no_grad();
            AdapterInjector.Adapters(model).Last().Layer.lora_B.weight![0, 0] = float.PositiveInfinity;
        }

        PeftAdapterFiles.Save(model, config, folder);
        return folder;
    }
}
