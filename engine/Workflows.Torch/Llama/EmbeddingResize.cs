using static TorchSharp.torch;

namespace Workflows.Torch.Llama;

/// <summary>The rows a vocabulary resize appends to an embedding or output matrix.</summary>
public static class EmbeddingResize
{
    /// <summary>
    /// <paramref name="weight"/> (V, C) with rows appended up to <paramref name="rows"/>, each the mean
    /// of the existing rows (computed in float32 whatever the weight's dtype), in the weight's dtype and device.
    /// </summary>
    public static Tensor WithMeanRows(Tensor weight, long rows)
    {
        var added = rows - weight.shape[0];
        if (added <= 0) throw new ArgumentException($"the matrix already has {weight.shape[0]} rows; cannot grow it to {rows}");
        using var scope = NewDisposeScope();
        var mean = weight.detach().to(ScalarType.Float32).mean([0], keepdim: true).to(weight.dtype);   // (1, C)
        return scope.MoveToOuter(cat([weight.detach(), mean.expand(added, -1)], 0).contiguous());     // (rows, C)
    }
}
