using TorchSharp;
using static TorchSharp.torch;

namespace Workflows.Torch.Llama;

/// <summary>
/// Attention of new tokens over the keys up to their own (within the sliding window when the model has
/// one) through scaled_dot_product_attention: for unpadded rows, and for the prompts of a left-padded
/// batch row by row, each prompt exactly as it is computed alone.
/// </summary>
internal static class CausalAttention
{
    /// <summary>
    /// Output (B, nh, T, hs) for queries <paramref name="q"/> (B, nh, T, hs) at columns
    /// <paramref name="start"/> .. start + T - 1 over keys and values (B, nh, start + T, hs), no padding.
    /// </summary>
    public static Tensor Compute(Tensor q, Tensor k, Tensor v, long start, int? window)
    {
        var length = q.shape[2];
        var total = start + length;
        if (window is int w && length == 1 && total > w)
        {
            // One new token with a window: it sees exactly the last w keys.
            return nn.functional.scaled_dot_product_attention(q, k.narrow(2, total - w, w), v.narrow(2, total - w, w));
        }

        if (length == 1) return nn.functional.scaled_dot_product_attention(q, k, v);             // one new token sees all
        if (start == 0 && (window is null || total <= window)) return nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true);

        // Token at position p may see keys p-w+1 .. p (w = window, unbounded without one).
        var keys = Scalars.Range(0, total, q.device).unsqueeze(0);                                  // (1, S)
        var queries = Scalars.Range(start, total, q.device).unsqueeze(1);                           // (T, 1)
        var mask = keys <= queries;
        if (window is int size) mask = mask & (keys > queries - Scalars.Of((long)size));
        return nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: mask);
    }

    /// <summary>
    /// Output (B, nh, T, hs) for the prompts of a left-padded batch with nothing cached before them: row b's
    /// prompt fills columns <paramref name="padding"/>[b] .. T - 1 of <paramref name="q"/>, <paramref name="k"/>
    /// and <paramref name="v"/> (B, nh, T, hs), and attends through <see cref="Compute"/> on exactly the values
    /// and shapes it has alone, so it gets the bits it gets alone. Padding columns get zeros; nothing reads
    /// them. The rest of the forward (projections, norms, MLP) runs once for the whole batch, which is what
    /// batching the prompts saves: one call per op instead of one per op and prompt.
    /// </summary>
    public static Tensor PrefillRows(Tensor q, Tensor k, Tensor v, IReadOnlyList<long> padding, int? window)
    {
        var length = q.shape[2];
        var output = zeros_like(q);
        for (var b = 0; b < padding.Count; b++)
        {
            var (first, count) = (padding[b], length - padding[b]);
            Tensor Row(Tensor t) => t.narrow(0, b, 1).narrow(2, first, count);                     // (1, nh, L, hs)
            Row(output).copy_(Compute(Row(q), Row(k), Row(v), 0, window));
        }

        return output;
    }
}
