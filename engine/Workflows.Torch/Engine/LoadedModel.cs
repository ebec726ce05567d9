using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;
using static TorchSharp.torch;

namespace Workflows.Torch.Engine;

/// <summary>A base model held by <see cref="DeviceEngine"/>, shared by every step that asks for it.</summary>
public sealed class LoadedModel
{
    internal LoadedModel(string path, string digest, LlamaForCausalLM model, TextTokenizer tokenizer, Device device, ScalarType dtype, string quantisation)
    {
        Path = path;
        Digest = digest;
        Model = model;
        Tokenizer = tokenizer;
        Device = device;
        Dtype = dtype;
        Quantisation = quantisation;
        ParameterCount = model.parameters().Sum(p => p.numel());
        ParameterBytes = model.parameters().Sum(p => p.numel() * p.ElementSize);
    }

    /// <summary>Full path the model was loaded from.</summary>
    public string Path { get; }

    /// <summary>sha256 of the model's files (hex), part of the cache key.</summary>
    public string Digest { get; }

    /// <summary>The model; callers must not change its weights (wrap layers with adapters instead).</summary>
    public LlamaForCausalLM Model { get; }

    /// <summary>The model's tokenizer.</summary>
    public TextTokenizer Tokenizer { get; }

    /// <summary>The architecture.</summary>
    public LlamaConfig Config => Model.Config;

    /// <summary>Where the weights live.</summary>
    public Device Device { get; }

    /// <summary>Parameter dtype.</summary>
    public ScalarType Dtype { get; }

    /// <summary>Base-weight quantisation (<c>none</c>).</summary>
    public string Quantisation { get; }

    /// <summary>Number of parameters (tied embeddings counted once).</summary>
    public long ParameterCount { get; }

    /// <summary>Bytes the parameters occupy.</summary>
    public long ParameterBytes { get; }
}
