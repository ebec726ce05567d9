using Workflows.Torch.Adapters;
using Workflows.Torch.Devices;
using Workflows.Torch.Engine;
using Workflows.Torch.Llama;
using static TorchSharp.torch;

namespace Workflows.Steps.Train;

/// <summary>Builds the model a run trains: a private copy of the base (the engine's cached base is
/// shared with other steps and must never change) with the adapter injected.</summary>
public static class TrainModel
{
    /// <summary>The adapter config the options describe.</summary>
    public static LoraConfig AdapterConfig(TrainOptions options) => new()
    {
        Rank = options.Lora.Rank,
        Alpha = options.Lora.Alpha,
        Dropout = options.Lora.Dropout,
        TargetModules = options.Lora.TargetModules,
        UseRsLora = options.Lora.UseRslora,
        UseDora = options.Method == TrainMethod.Dora,
        BaseModelNameOrPath = Path.GetFileName(Path.TrimEndingDirectorySeparator(options.Model)),
        BaseQuantization = Quantisation(options),                         // evaluate, guard and merge rebuild this base
    };

    /// <summary>NF4 settings for <c>method: qlora</c>, else null.</summary>
    public static Nf4Options? Quantisation(TrainOptions options) => options.Method != TrainMethod.Qlora ? null : new Nf4Options
    {
        BlockSize = options.Quantization.BlockSize,
        DoubleQuant = options.Quantization.DoubleQuant,
        ComputeDtype = DtypeOf(options.Quantization.ComputeDtype),
    };

    /// <summary>Loads a copy of the base on the engine's device and injects the adapter (for <c>method: full</c>,
    /// marks the weights that train instead).</summary>
    /// <exception cref="AdapterConfigException">The adapter does not fit the model.</exception>
    public static LlamaForCausalLM Build(string modelPath, TrainOptions options, LoraConfig config)
    {
        var model = LlamaLoader.Load(modelPath, DeviceEngine.Shared.Device, DtypeOf(options.Dtype));
        if (options.Method == TrainMethod.Full)
        {
            FullFineTune.Prepare(model, options.Freeze);
            return model;
        }

        AdapterInjector.Apply(model, config, Quantisation(options), options.Seed);
        return model;
    }

    /// <summary>A second copy of the base on the engine's device that never trains: the reference policy of DPO and KTO
    /// when the model itself trains in full.</summary>
    public static LlamaForCausalLM FrozenReference(string modelPath, TrainOptions options)
    {
        var reference = LlamaLoader.Load(modelPath, DeviceEngine.Shared.Device, DtypeOf(options.Dtype));
        foreach (var parameter in reference.parameters()) parameter.requires_grad = false;
        reference.eval();
        return reference;
    }

    public static ScalarType DtypeOf(TrainDtype dtype) => dtype == TrainDtype.Bfloat16 ? ScalarType.BFloat16 : ScalarType.Float32;
}
