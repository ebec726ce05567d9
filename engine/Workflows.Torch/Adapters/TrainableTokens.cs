using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Workflows.Torch.Adapters;

/// <summary>
/// PEFT's trainable tokens (<c>trainable_token_indices</c>): new values for a few rows of an embedding
/// or output matrix, trained while the matrix stays frozen. The rows replace the frozen ones
/// (<c>W.index_copy(0, indices, rows)</c>, as PEFT's <c>TrainableTokensLayer</c> computes it), so the
/// adapter holds what the rows are, not a difference. Used for tokens added to a vocabulary.
/// </summary>
public sealed class TrainableTokens : nn.Module
{
    /// <summary>The rows' values (n, C), float32 while training; PEFT's parameter name.</summary>
    public Parameter trainable_tokens_delta;
    private readonly Tensor _index;

    /// <summary>Starts the rows <paramref name="indices"/> from their current values in <paramref name="weight"/>.</summary>
    public TrainableTokens(Tensor weight, IReadOnlyList<int> indices)
        : base(nameof(TrainableTokens))
    {
        if (indices.Count == 0) throw new AdapterConfigException("trainable_token_indices is empty");
        var bad = indices.FirstOrDefault(i => i < 0 || i >= weight.shape[0], -1);
        if (bad >= 0 || indices.Distinct().Count() != indices.Count)
            throw new AdapterConfigException($"trainable_token_indices must be distinct ids below the vocabulary size {weight.shape[0]}; got {string.Join(", ", indices)}");
        Indices = indices;
        _index = tensor(indices.Select(i => (long)i).ToArray(), ScalarType.Int64, weight.device);
        using var rows = weight.detach().index_select(0, _index);
        trainable_tokens_delta = new Parameter(rows.to(ScalarType.Float32).clone(), requires_grad: true);
        RegisterComponents();
    }

    /// <summary>The token ids whose rows are trained.</summary>
    public IReadOnlyList<int> Indices { get; }

    /// <summary>When true the rows are left out (the matrix's own rows, as when they were attached): the
    /// reference policy of preference training, as PEFT's <c>disable_adapter()</c>.</summary>
    public bool Disabled { get; set; }

    /// <summary><paramref name="weight"/> with the trained rows in place (a new tensor; the weight is untouched).</summary>
    public Tensor Apply(Tensor weight) => Disabled ? weight : weight.index_copy(0, _index, trainable_tokens_delta.to(weight.dtype));

    /// <summary>The rows of <see cref="Apply"/>(<paramref name="weight"/>) for token ids <paramref name="ids"/> (…), as (N, C),
    /// without building that vocab × C matrix (an embedding lookup runs per forward, per generated token too); the
    /// gradients reach the same rows.</summary>
    public Tensor Lookup(Tensor weight, Tensor ids)
    {
        using var scope = NewDisposeScope();
        var flat = ids.reshape(-1);                                                              // (N)
        var rows = weight.index_select(0, flat);                                                 // (N, C)
        if (Disabled) return scope.MoveToOuter(rows);
        var hits = flat.unsqueeze(1).eq(_index.unsqueeze(0));                                    // (N, n): which trained row, if any
        var trained = trainable_tokens_delta.to(weight.dtype).index_select(0, hits.to_type(ScalarType.Int64).argmax(1));   // (N, C)
        return scope.MoveToOuter(where(hits.any(1).unsqueeze(1), trained, rows));
    }
}
