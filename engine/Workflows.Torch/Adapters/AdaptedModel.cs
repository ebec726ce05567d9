using Workflows.Torch.Engine;
using Workflows.Torch.Llama;

namespace Workflows.Torch.Adapters;

/// <summary>Base + adapter as one model, for inference (generation, evaluation, guarding).</summary>
public static class AdaptedModel
{
    /// <summary>Loads a private copy of <paramref name="baseModel"/>'s weights and applies the PEFT adapter
    /// in <paramref name="adapterFolder"/> to it. The engine's cached base is shared by every step, so it
    /// is never wrapped in place. With <paramref name="quantiseBase"/> the copy is first stored as NF4, as
    /// QLoRA trained it (see <see cref="LoraConfig.BaseQuantization"/>).</summary>
    /// <exception cref="AdapterConfigException">The folder is not an adapter for this base.</exception>
    public static LlamaForCausalLM Load(LoadedModel baseModel, string adapterFolder, Nf4Options? quantiseBase = null)
    {
        var model = LlamaLoader.Load(baseModel.Path, baseModel.Device, baseModel.Dtype);
        PeftAdapterFiles.Load(model, adapterFolder, quantiseBase);
        model.eval();
        return model;
    }
}
