using Workflows.Torch.Adapters;
using Workflows.Torch.Engine;

namespace Workflows.Steps.Adapters;

/// <summary>Applies PEFT-layout adapters written by the train step, on a private copy of the base.</summary>
internal sealed class PeftAdapterApplier : IAdapterApplier
{
    public AppliedAdapter Apply(LoadedModel baseModel, string adapterFolder)
    {
        try
        {
            var model = AdaptedModel.Load(baseModel, adapterFolder);
            return new AppliedAdapter(model, model);
        }
        catch (AdapterConfigException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }
}
