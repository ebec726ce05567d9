using Workflows.Torch.Engine;

namespace Workflows.Steps.Adapters;

/// <summary>Puts a trained adapter (PEFT layout: <c>adapter_config.json</c> + <c>adapter_model.safetensors</c>)
/// on top of a shared base model, for the steps that evaluate or guard adapted models.</summary>
/// <remarks>The base is cached by <see cref="DeviceEngine"/> and shared by every step, so an implementation must
/// never change its weights: wrap or copy layers instead, and undo everything in <see cref="AppliedAdapter.Dispose"/>.
/// The train step's adapter code provides the implementation; register it with <see cref="AdapterSupport.Use"/>.</remarks>
public interface IAdapterApplier
{
    /// <summary>A model computing base + adapter, on the base's device and dtype.</summary>
    /// <param name="baseModel">The shared base model (read only).</param>
    /// <param name="adapterFolder">Absolute path of the adapter folder.</param>
    /// <param name="quantisedBase">The base to use, as <see cref="AdapterBase.Resolve"/> reads it: null for the
    /// one the adapter was trained on, false for full precision.</param>
    /// <exception cref="InvalidDataException">The folder is not an adapter for this base.</exception>
    AppliedAdapter Apply(LoadedModel baseModel, string adapterFolder, bool? quantisedBase = null);
}
