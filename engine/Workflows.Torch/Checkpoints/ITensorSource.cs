using TorchSharp;

namespace Workflows.Torch.Checkpoints;

/// <summary>Named tensors on disk (one safetensors file, a sharded set, or a converted llama2.c file).</summary>
public interface ITensorSource : IDisposable
{
    /// <summary>Every tensor name.</summary>
    IEnumerable<string> Names { get; }

    /// <summary>Where the tensors come from, for error messages.</summary>
    string Path { get; }

    /// <summary>Whether a tensor of that name exists.</summary>
    bool Contains(string name);

    /// <summary>The stored shape of a tensor.</summary>
    long[] GetShape(string name);

    /// <summary>Reads one tensor into a new CPU tensor of its stored dtype; the caller owns it.</summary>
    torch.Tensor Read(string name);
}
