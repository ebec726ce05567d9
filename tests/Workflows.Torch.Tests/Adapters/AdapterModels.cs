using TorchSharp;
using Workflows.Torch.Adapters;
using Workflows.Torch.Llama;
using static TorchSharp.torch;

namespace Workflows.Torch.Tests.Adapters;

/// <summary>Private copies of stories260K (adapters change the model they wrap) and a fixed prompt.</summary>
internal static class AdapterModels
{
    public static readonly string[] AllProjections = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];

    public static LlamaForCausalLM Fresh() => LlamaLoader.Load(SharedAssets.Stories260K);

    public static Tensor Ids() => tensor(new long[] { 1, 403, 407, 261, 378, 432, 383, 286, 261, 300, 310, 262 }, [2, 6]);

    public static Tensor Logits(LlamaForCausalLM model)
    {
        using var noGrad = no_grad();
        using var ids = Ids();
        return model.forward(ids);
    }

    /// <summary>Moves every adapter tensor off its initial value (B off zero, magnitudes rescaled),
    /// so round trips and merges are tested on an adapter that changes the output.</summary>
    public static void Perturb(nn.Module model, long seed)
    {
        var generator = new Generator((ulong)seed);
        using var noGrad = no_grad();
        foreach (var (_, layer) in AdapterInjector.Adapters(model))
        {
            var b = layer.lora_B.weight!;
            b.copy_(randn(b.shape, generator: generator) * 0.05);
            if (layer.lora_magnitude_vector is not null) layer.lora_magnitude_vector.mul_(1.0 + (0.1 * rand(layer.lora_magnitude_vector.shape, generator: generator)));
        }
    }
}
