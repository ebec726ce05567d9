using static TorchSharp.torch;

namespace Workflows.Torch.Llama;

/// <summary>The language-model head alone, for callers that need logits of a few positions only (the last
/// one of each row when generating, the scored ones when computing log-likelihoods): a batch's hidden
/// states through the head at every position would be rows × tokens × vocabulary floats, mostly unused.</summary>
public static class OutputHead
{
    /// <summary>Logits (..., vocab) of hidden states (..., C), as <see cref="LlamaForCausalLM.forward(Tensor, KvCache?)"/>
    /// computes them: <c>lm_head</c>, or the tied embedding matrix, with added tokens' trained rows.</summary>
    public static Tensor Logits(LlamaForCausalLM model, Tensor hidden) => model.Head(hidden);
}
