using Workflows.Torch.Adapters;
using Workflows.Torch.Engine;

namespace Workflows.Steps.Adapters;

/// <summary>Applies PEFT-layout adapters written by the train step, on a private copy of the base: the
/// NF4 base a QLoRA adapter records, unless the full-precision base is asked for.</summary>
internal sealed class PeftAdapterApplier : IAdapterApplier
{
    public AppliedAdapter Apply(LoadedModel baseModel, string adapterFolder, bool? quantisedBase = null)
    {
        try
        {
            var config = PeftAdapterFiles.ReadConfig(adapterFolder);
            var quantise = AdapterBase.Resolve(adapterFolder, config, quantisedBase);
            var model = AdaptedModel.Load(baseModel, adapterFolder, quantise);
            return new AppliedAdapter(model, model, AdapterBase.Describe(config, quantise));
        }
        catch (AdapterConfigException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }
}
