using Workflows.Torch.Llama;

namespace Workflows.Steps.Adapters;

/// <summary>A base model with an adapter applied. Dispose to release the adapter's tensors and restore
/// whatever the applier changed, leaving the shared base as it was.</summary>
/// <param name="model">The adapted model to run forwards and generation on.</param>
/// <param name="release">Undoes the application (unwraps layers, frees adapter weights); may be null.</param>
public sealed class AppliedAdapter(LlamaForCausalLM model, IDisposable? release) : IDisposable
{
    /// <summary>The adapted model.</summary>
    public LlamaForCausalLM Model { get; } = model;

    public void Dispose() => release?.Dispose();
}
