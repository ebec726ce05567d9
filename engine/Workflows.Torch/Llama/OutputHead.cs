using static TorchSharp.torch;

namespace Workflows.Torch.Llama;

/// <summary>The language-model head alone, for callers that need logits of a few positions only (the last
/// one of each row when generating, the scored ones when computing log-likelihoods): a batch's hidden
/// states through the head at every position would be rows × tokens × vocabulary floats, mostly unused.</summary>
public static class OutputHead
{
    /// <summary>Logits (..., vocab) of hidden states (..., C), as <see cref="LlamaForCausalLM.forward(Tensor, KvCache?)"/>
    /// computes them: <c>lm_head</c>, or the tied embedding matrix.</summary>
    public static Tensor Logits(LlamaForCausalLM model, Tensor hidden) =>
        model.lm_head is null
            ? nn.functional.linear(hidden, model.model.embed_tokens.weight!)
            : model.lm_head.forward(hidden);
}
