using TorchSharp;
using static TorchSharp.torch;

namespace Workflows.Torch.Llama;

/// <summary>
/// Keys and values of every layer for the tokens seen so far, preallocated for the model's full
/// context so decoding one token costs one slice copy per layer, not a growing concatenation.
/// </summary>
public sealed class KvCache : IDisposable
{
    private readonly Tensor[] _keys;
    private readonly Tensor[] _values;

    /// <summary>Allocates a cache for <paramref name="batch"/> sequences of up to <paramref name="capacity"/> tokens.</summary>
    public KvCache(LlamaConfig config, long batch, long capacity, Device device, ScalarType dtype)
    {
        Capacity = capacity;
        _keys = new Tensor[config.NumHiddenLayers];
        _values = new Tensor[config.NumHiddenLayers];
        for (var i = 0; i < config.NumHiddenLayers; i++)
        {
            // The cache outlives the dispose scope of the forward that first fills it.
            _keys[i] = zeros([batch, config.KeyValueHeads, capacity, config.HeadDim], dtype, device).DetachFromDisposeScope();
            _values[i] = zeros([batch, config.KeyValueHeads, capacity, config.HeadDim], dtype, device).DetachFromDisposeScope();
        }
    }

    /// <summary>Number of tokens cached.</summary>
    public long Length { get; private set; }

    /// <summary>Most tokens the cache can hold.</summary>
    public long Capacity { get; }

    /// <summary>Stores k, v (B, nkv, T, hs) after the cached tokens; returns all keys and values (B, nkv, S, hs).</summary>
    public (Tensor Keys, Tensor Values) Append(int layer, Tensor k, Tensor v)
    {
        var length = k.shape[2];
        if (Length + length > Capacity)
        {
            throw new InvalidOperationException($"KV cache holds {Capacity} tokens; cannot add {length} after {Length}");
        }

        using (no_grad())
        {
            _keys[layer].narrow(2, Length, length).copy_(k);
            _values[layer].narrow(2, Length, length).copy_(v);
        }

        return (_keys[layer].narrow(2, 0, Length + length), _values[layer].narrow(2, 0, Length + length));
    }

    /// <summary>Marks <paramref name="count"/> more tokens as cached (called once per forward, after all layers).</summary>
    public void Advance(long count) => Length += count;

    /// <summary>Forgets every cached token, keeping the memory.</summary>
    public void Clear() => Length = 0;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var tensor in _keys.Concat(_values))
        {
            tensor.Dispose();
        }
    }
}
