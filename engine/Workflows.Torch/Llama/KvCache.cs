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
    private (long Start, long Length, Tensor Mask)? _mask;

    /// <summary>Allocates a cache for <paramref name="batch"/> sequences of up to <paramref name="capacity"/> tokens.</summary>
    /// <param name="config">The model's architecture.</param>
    /// <param name="batch">Rows.</param>
    /// <param name="capacity">Most tokens per row.</param>
    /// <param name="device">Where the cache lives.</param>
    /// <param name="dtype">The model's dtype.</param>
    public KvCache(LlamaConfig config, long batch, long capacity, Device device, ScalarType dtype)
    {
        Capacity = capacity;
        var heads = config.KeyValueHeads;
        _keys = new Tensor[config.NumHiddenLayers];
        _values = new Tensor[config.NumHiddenLayers];
        for (var i = 0; i < config.NumHiddenLayers; i++)
        {
            // The cache outlives the dispose scope of the forward that first fills it.
            _keys[i] = zeros([batch, heads, capacity, config.HeadDim], dtype, device).DetachFromDisposeScope();
            _values[i] = zeros([batch, heads, capacity, config.HeadDim], dtype, device).DetachFromDisposeScope();
        }
    }

    private KvCache(Tensor[] keys, Tensor[] values, long capacity, long length, long[]? leftPadding)
    {
        (_keys, _values, Capacity, Length, LeftPadding) = (keys, values, capacity, length, leftPadding);
    }

    /// <summary>
    /// Padding tokens at the start of each row (B), for a batch of prompts of different lengths
    /// padded on the left; null (the default) when no row is padded. A padded row's positions count
    /// from its first real token, and no query attends to its padding (see <see cref="PaddingMask"/>).
    /// </summary>
    public long[]? LeftPadding { get; private set; }

    /// <summary>Rows in the cache.</summary>
    public long Batch => _keys.Length == 0 ? 0 : _keys[0].shape[0];

    /// <summary>Declares the left padding of each row before the first forward (see <see cref="LeftPadding"/>).</summary>
    public void PadLeft(IReadOnlyList<long> padding)
    {
        if (padding.Count != Batch || padding.Any(p => p < 0))
        {
            throw new ArgumentException($"left padding needs one non-negative count per row ({Batch}), got [{string.Join(", ", padding)}]");
        }

        LeftPadding = padding.Any(p => p > 0) ? [.. padding] : null;
        DropMask();
    }

    /// <summary>Keeps only <paramref name="rows"/> (ascending indices), e.g. when the other rows of a
    /// batch have finished generating, so they cost nothing in later forwards.</summary>
    public void KeepRows(IReadOnlyList<long> rows)
    {
        using var scope = NewDisposeScope();
        var device = _keys.Length == 0 ? CPU : _keys[0].device;
        var index = tensor(rows.ToArray(), device: device);
        for (var i = 0; i < _keys.Length; i++)
        {
            var (keys, values) = (_keys[i].index_select(0, index), _values[i].index_select(0, index));
            _keys[i].Dispose();
            _values[i].Dispose();
            (_keys[i], _values[i]) = (keys.DetachFromDisposeScope(), values.DetachFromDisposeScope());
        }

        LeftPadding = LeftPadding is null ? null : [.. rows.Select(r => LeftPadding[r])];
        DropMask();
    }

    /// <summary>A new cache holding copies of <paramref name="rows"/> of this one, in that order (a row may repeat), with
    /// their padding and this cache's length and capacity: one shared context, computed once, that several
    /// continuations then extend each in its own row.</summary>
    public KvCache CopyRows(IReadOnlyList<long> rows)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var device = _keys.Length == 0 ? CPU : _keys[0].device;
        var index = tensor(rows.ToArray(), device: device);
        var keys = _keys.Select(k => k.index_select(0, index).DetachFromDisposeScope()).ToArray();
        var values = _values.Select(v => v.index_select(0, index).DetachFromDisposeScope()).ToArray();
        var padding = LeftPadding is null ? null : rows.Select(r => LeftPadding[r]).ToArray();
        return new KvCache(keys, values, Capacity, Length, padding is not null && padding.Any(p => p > 0) ? padding : null);
    }

    /// <summary>
    /// Which keys each of <paramref name="length"/> new tokens may see, (B, 1, T, S) booleans, for a
    /// left-padded cache: a key that is not padding, not after the query and, with a
    /// <paramref name="window"/>, less than that many positions before it. A padding query sees
    /// itself only, so no softmax row is empty (an empty one would give NaN that the padding's
    /// values would then carry into real rows). Computed once per forward, shared by the layers.
    /// </summary>
    public Tensor PaddingMask(long length, int? window, Device device)
    {
        if (LeftPadding is null) throw new InvalidOperationException("the cache has no left padding");
        if (_mask is { } m && m.Start == Length && m.Length == length) return m.Mask;
        using var scope = NewDisposeScope();
        var total = Length + length;
        var keys = Scalars.Range(0, total, device).view(1, 1, 1, total);                         // (1, 1, 1, S)
        var queries = Scalars.Range(Length, total, device).view(1, 1, length, 1);             // (1, 1, T, 1)
        var padding = tensor(LeftPadding, device: device).view(-1, 1, 1, 1);                    // (B, 1, 1, 1)
        var mask = (keys <= queries) & (keys >= padding);
        if (window is int w)
        {
            using var size = w.ToScalar();                                                      // per call: not held for the process
            mask = mask & (keys > queries - size);
        }

        mask = mask | (keys == queries);                                                        // (B, 1, T, S)
        DropMask();
        _mask = (Length, length, mask.DetachFromDisposeScope());
        return _mask.Value.Mask;
    }

    /// <summary>
    /// Copies the keys and values <paramref name="source"/> holds for its only row into row <paramref name="row"/>
    /// from column <paramref name="column"/> on (a prompt prefilled alone, placed after its row's left padding),
    /// Call <see cref="Advance"/> once every row is in place.
    /// </summary>
    public void WriteRow(long row, long column, KvCache source)
    {
        var length = source.Length;
        if (source.Batch != 1 || source._keys.Length != _keys.Length || column + length > Capacity)
        {
            throw new ArgumentException($"cannot place {length} cached tokens of {source.Batch} row(s) at column {column} of a cache of {Capacity}");
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        for (var i = 0; i < _keys.Length; i++)
        {
            var (keys, values) = (source._keys[i].narrow(2, 0, length), source._values[i].narrow(2, 0, length));    // (1, nkv, L, hs)
            _keys[i].narrow(0, row, 1).narrow(2, column, length).copy_(keys);
            _values[i].narrow(0, row, 1).narrow(2, column, length).copy_(values);
        }
    }

    /// <summary>The whole key and value tensors of <paramref name="layer"/>, (B, nkv, capacity, hs), contiguous.</summary>
    internal (Tensor Keys, Tensor Values) Layer(int layer) => (_keys[layer], _values[layer]);

    /// <summary>Bytes of one layer's keys.</summary>
    internal long LayerBytes => _keys.Length == 0 ? 0 : _keys[0].NumberOfElements * _keys[0].ElementSize;

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
    public void Clear()
    {
        Length = 0;
        DropMask();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var tensor in _keys.Concat(_values))
        {
            tensor.Dispose();
        }

        DropMask();
    }

    private void DropMask()
    {
        _mask?.Mask.Dispose();
        _mask = null;
    }
}
