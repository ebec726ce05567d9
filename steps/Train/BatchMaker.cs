using Workflows.Torch.Evaluation;
using static TorchSharp.torch;

namespace Workflows.Steps.Train;

/// <summary>Builds right-padded next-token batches: inputs are ids 0..n-2, targets labels 1..n-1.</summary>
public static class BatchMaker
{
    /// <summary>Inputs (B, T) and targets (B, T) int64 on <paramref name="device"/>, T = longest example − 1;
    /// padding has input 0 and target −100. Also the number of target tokens that carry the loss.</summary>
    public static (Tensor Inputs, Tensor Targets, long TrainedTokens) Make(IReadOnlyList<TokenisedExample> batch, Device device)
    {
        var length = batch.Max(e => e.Ids.Length) - 1;
        var inputs = new long[batch.Count * length];
        var targets = Enumerable.Repeat(LanguageModelLoss.IgnoreIndex, batch.Count * length).ToArray();
        long trained = 0;
        for (var b = 0; b < batch.Count; b++)
        {
            var example = batch[b];
            for (var t = 0; t < example.Ids.Length - 1; t++)
            {
                inputs[(b * length) + t] = example.Ids[t];
                targets[(b * length) + t] = example.Labels[t + 1];
                if (example.Labels[t + 1] >= 0) trained++;
            }
        }

        return (tensor(inputs, [batch.Count, length], device: device), tensor(targets, [batch.Count, length], device: device), trained);
    }

    /// <summary>For <see cref="Make"/>'s inputs (B, T), the number of the document each token belongs to (int64), when the
    /// examples are packed documents that attend only to themselves; null otherwise. Padding gets a number of its own.</summary>
    public static Tensor? Documents(IReadOnlyList<TokenisedExample> batch, Device device)
    {
        if (batch.All(e => e.DocumentStarts is null)) return null;
        var length = batch.Max(e => e.Ids.Length) - 1;
        var documents = new long[batch.Count * length];
        for (var b = 0; b < batch.Count; b++)
        {
            var starts = batch[b].DocumentStarts ?? [0];
            var document = -1L;
            for (var t = 0; t < length; t++)
            {
                var real = t < batch[b].Ids.Length - 1;
                if (!real) document = starts.Length;                                          // padding: after every document
                else if (document + 1 < starts.Length && starts[document + 1] == t) document++;
                documents[(b * length) + t] = document;
            }
        }

        return tensor(documents, [batch.Count, length], device: device);
    }
}
