using TorchSharp;
using Workflows.Torch.Evaluation;
using Workflows.Torch.Llama;
using static TorchSharp.torch;

namespace Workflows.Steps.Evaluate.Scoring;

/// <summary>Log-probabilities of the last tokens of a sequence given the ones before them, in one forward.</summary>
internal static class SequenceLogLikelihood
{
    /// <summary>Sum of log p(token) over the last <paramref name="scored"/> ids, and whether each was the argmax.
    /// A sequence longer than the context keeps its last tokens (the scored ones are never cut).</summary>
    public static (double LogLikelihood, bool Greedy) Score(LlamaForCausalLM model, IReadOnlyList<int> ids, int scored)
    {
        var window = model.Config.MaxPositionEmbeddings;
        if (scored < 1 || scored >= ids.Count) throw new ArgumentException($"cannot score {scored} of {ids.Count} tokens");
        if (scored > window) throw new ArgumentException($"{scored} scored tokens do not fit the model's context ({window})");
        var start = Math.Max(0, ids.Count - 1 - window);
        var input = ids.Skip(start).Take(ids.Count - 1 - start).Select(i => (long)i).ToArray();
        var targets = ids.Skip(ids.Count - scored).Select(i => (long)i).ToArray();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var logits = model.forward(tensor(input, [1, input.Length], device: model.Device));               // (1, T, vocab)
        var last = logits[0, TensorIndex.Slice(input.Length - scored)].to_type(ScalarType.Float32);      // (S, vocab)
        var logProbs = nn.functional.log_softmax(last, dim: -1);                                          // (S, vocab)
        var target = tensor(targets, device: model.Device);                                               // (S)
        var picked = logProbs.gather(1, target.unsqueeze(1)).squeeze(1);                                 // (S)
        var greedy = logProbs.argmax(1).eq(target).all().item<bool>();
        return (picked.sum().item<float>(), greedy);
    }

    /// <summary>Summed cross-entropy over the last <paramref name="scored"/> ids (completion-only loss).</summary>
    public static LossSummary Loss(LlamaForCausalLM model, IReadOnlyList<int> ids, int scored)
    {
        var (logLikelihood, _) = Score(model, ids, scored);
        return new LossSummary(-logLikelihood, scored);
    }
}
