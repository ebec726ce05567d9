using Workflows.Torch.Llama;

namespace Workflows.Steps.Adapters;

/// <summary>A base model with an adapter applied. Dispose to release the adapter's tensors and restore
/// whatever the applier changed, leaving the shared base as it was.</summary>
/// <param name="model">The adapted model to run forwards and generation on.</param>
/// <param name="release">Undoes the application (unwraps layers, frees adapter weights); may be null.</param>
/// <param name="baseDescription">Which base the adapter runs on, for reports; null when not known.</param>
/// <param name="tokenizer">The tokenizer the adapter was trained with when it differs from the base's (added tokens); null: the base's.</param>
public sealed class AppliedAdapter(LlamaForCausalLM model, IDisposable? release, string? baseDescription = null, Workflows.Torch.Tokenization.TextTokenizer? tokenizer = null) : IDisposable
{
    /// <summary>The adapter's own tokenizer (the base's with the tokens it added), or null to use the base's.</summary>
    public Workflows.Torch.Tokenization.TextTokenizer? Tokenizer { get; } = tokenizer;

    /// <summary>The adapted model.</summary>
    public LlamaForCausalLM Model { get; } = model;

    /// <summary>Which base the adapter runs on (e.g. <c>NF4 base as trained (…)</c>), or null.</summary>
    public string? BaseDescription { get; } = baseDescription;

    public void Dispose() => release?.Dispose();
}
