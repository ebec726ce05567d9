using Workflows.Engine.Steps;
using Workflows.Torch.Adapters;
using Workflows.Torch.Checkpoints;
using Workflows.Torch.Llama;
using static TorchSharp.torch;

namespace Workflows.Steps.Train;

/// <summary>
/// <c>method: full</c>: every weight of the model trains (less the frozen embeddings and first layers), so
/// what a checkpoint, the best copy and the output hold is the model itself, in Hugging Face layout
/// (<c>config.json</c> + <c>model.safetensors</c>), rather than a PEFT adapter.
/// </summary>
public static class FullFineTune
{
    /// <summary>The weights file of a full checkpoint.</summary>
    public const string WeightsFile = "model.safetensors";

    /// <summary>Option problems of full fine-tuning (or of <c>freeze</c> without it).</summary>
    public static IEnumerable<OptionError> Validate(TrainOptions options)
    {
        if (options.Method != TrainMethod.Full && options.Freeze is not null)
            yield return new OptionError("freeze", "freeze applies to method: full only (adapter methods already keep the base fixed)", "remove freeze: or set method: full");
    }

    /// <summary>Whether the run trains in full with DPO or KTO, whose reference is then a second, frozen copy of the base
    /// (TRL's <c>ref_model</c>): there is no adapter to switch off. DPO with <c>precompute_ref_log_probs</c> needs none,
    /// as it computes the reference once, before the first step changes the weights.</summary>
    public static bool NeedsFrozenReference(TrainOptions options) =>
        options.Method == TrainMethod.Full && (options.Objective == TrainObjective.Kto
            || (options.Objective == TrainObjective.Dpo && !options.Preference.PrecomputeRefLogProbs));

    /// <summary>True when <paramref name="model"/> carries no adapter, i.e. it is trained in full.</summary>
    public static bool IsFull(nn.Module model) => !AdapterInjector.Adapters(model).Any();

    /// <summary>Makes every parameter trainable except the frozen ones; returns the names frozen.</summary>
    /// <exception cref="AdapterConfigException">More layers to freeze than the model has.</exception>
    public static IReadOnlyList<string> Prepare(LlamaForCausalLM model, FreezeOptions? freeze)
    {
        var layers = freeze?.Layers ?? 0;
        if (layers > model.Config.NumHiddenLayers)
            throw new AdapterConfigException($"freeze.layers is {layers} but the model has {model.Config.NumHiddenLayers} layers; freeze at most {model.Config.NumHiddenLayers}");
        var frozen = new List<string>();
        foreach (var (name, parameter) in model.named_parameters())
        {
            var fixedWeight = (freeze?.Embeddings == true && name.Contains("embed_tokens", StringComparison.Ordinal))
                || Enumerable.Range(0, layers).Any(i => name.StartsWith($"model.layers.{i}.", StringComparison.Ordinal));
            parameter.requires_grad = !fixedWeight;
            if (fixedWeight) frozen.Add(name);
        }

        return frozen;
    }

    /// <summary>Writes what was trained: the whole model for full fine-tuning, else the adapter in PEFT layout.</summary>
    public static void Save(LlamaForCausalLM model, LoraConfig config, string folder)
    {
        if (IsFull(model)) LlamaSaver.Save(model, folder);
        else PeftAdapterFiles.Save(model, config, folder);
    }

    /// <summary>Copies the trained weights saved by <see cref="Save"/> in <paramref name="folder"/> back into <paramref name="model"/>.</summary>
    public static void Restore(LlamaForCausalLM model, string folder)
    {
        var full = IsFull(model);
        using var stored = SafetensorsFile.Open(Path.Combine(folder, full ? WeightsFile : PeftAdapterFiles.WeightsFile));
        var targets = full ? model.named_parameters().Select(p => KeyValuePair.Create(p.name, (Tensor)p.parameter)) : PeftAdapterFiles.Tensors(model);
        using var noGrad = no_grad();
        foreach (var (key, tensor) in targets)
        {
            using var value = stored.Read(key);
            tensor.copy_(value);
        }
    }
}
