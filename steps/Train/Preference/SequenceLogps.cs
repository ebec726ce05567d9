using Workflows.Torch;
using Workflows.Torch.Llama;
using static TorchSharp.torch;

namespace Workflows.Steps.Train.Preference;

/// <summary>Summed log-probabilities of each example's answer tokens (those with a label), in one batched forward.</summary>
public static class SequenceLogps
{
    /// <summary>Per example: the sum of log p over its labelled tokens (N, float32, with the graph unless under
    /// no_grad) and how many tokens that is (N, float32).</summary>
    public static (Tensor Sums, Tensor Counts) Of(LlamaForCausalLM model, IReadOnlyList<TokenisedExample> examples)
    {
        var (inputs, targets, _) = BatchMaker.Make(examples, model.Device);                                  // (N, T)
        var mask = targets.ge(Scalars.Of(0L));                                                                            // (N, T)
        var logProbs = model.forward(inputs).to_type(ScalarType.Float32).log_softmax(-1);                   // (N, T, vocab)
        var picked = logProbs.gather(2, targets.clamp(min: Scalars.Of(0L)).unsqueeze(2)).squeeze(2);                     // (N, T)
        var sums = (picked * mask).sum(1);                                                                    // (N)
        return (sums, mask.sum(1).to_type(ScalarType.Float32));
    }
}
