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
            var tokenizer = config.TrainableTokenIndices is null ? null : baseModel.Tokenizer.WithAddedTokens(Workflows.Torch.Tokenization.AddedTokens.Read(adapterFolder));
            return new AppliedAdapter(model, model, AdapterBase.Describe(config, quantise), tokenizer);
        }
        catch (Exception e) when (e is AdapterConfigException or Workflows.Torch.ModelLoadException)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }
}
