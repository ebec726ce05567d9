using Workflows.Torch.Generation;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;
using static TorchSharp.torch;

namespace Workflows.Torch.Gguf;

/// <summary>
/// How a GGUF file run by llama.cpp compares with the model it was written from, run by us: the
/// same prompt ids, greedy continuations, and per-token log-likelihoods of a text.
/// </summary>
/// <param name="TokenizerAgrees">llama.cpp tokenises the prompt into the same ids as our tokenizer.</param>
/// <param name="OurGreedy">Our greedy continuation (ids).</param>
/// <param name="TheirGreedy">llama.cpp's greedy continuation of the same prompt ids.</param>
/// <param name="MeanAbsLogLikelihoodDifference">Mean |ours − theirs| of per-token log-likelihoods (nats).</param>
/// <param name="MaxAbsLogLikelihoodDifference">Largest such difference (nats).</param>
/// <param name="OurMeanLogLikelihood">Our mean per-token log-likelihood of the text (nats).</param>
/// <param name="TheirMeanLogLikelihood">llama.cpp's mean per-token log-likelihood of the text (nats).</param>
public sealed record GgufComparison(bool TokenizerAgrees, IReadOnlyList<int> OurGreedy, IReadOnlyList<int> TheirGreedy,
    double MeanAbsLogLikelihoodDifference, double MaxAbsLogLikelihoodDifference, double OurMeanLogLikelihood, double TheirMeanLogLikelihood)
{
    /// <summary>Whether both greedy continuations are the same ids.</summary>
    public bool GreedyAgrees => OurGreedy.SequenceEqual(TheirGreedy);

    /// <summary>Runs <paramref name="model"/> and the GGUF file at <paramref name="ggufPath"/> on
    /// <paramref name="prompt"/> (greedy, <paramref name="tokens"/> ids) and on <paramref name="text"/> (log-likelihoods;
    /// null: the prompt with our greedy continuation).</summary>
    public static GgufComparison Run(LlamaForCausalLM model, TextTokenizer tokenizer, string ggufPath, string prompt, int tokens, string? text)
    {
        var ours = TextGenerator.Generate(model, tokenizer, prompt, new GenerationOptions { MaxTokens = tokens });
        var ourIds = ours.GeneratedTokens.ToList();
        if (ourIds.Count < tokens && ours.StopReason == StopReason.EndOfSequence && tokenizer.EosIds.Count > 0) ourIds.Add(tokenizer.EosIds[0]);
        var textIds = tokenizer.Encode(text ?? ours.Text);
        var ourLikelihoods = LogLikelihoods(model, textIds);

        using var cpp = LlamaCppModel.Load(ggufPath);
        var theirs = cpp.Greedy(ours.PromptTokens, tokens, tokenizer.EosIds.ToHashSet());
        var theirLikelihoods = cpp.LogLikelihoods(textIds);
        var differences = ourLikelihoods.Zip(theirLikelihoods, (a, b) => Math.Abs(a - b)).ToList();
        return new GgufComparison(cpp.Tokenize(prompt).SequenceEqual(ours.PromptTokens), ourIds, theirs,
            differences.Average(), differences.Max(), ourLikelihoods.Average(), theirLikelihoods.Average());
    }

    private static double[] LogLikelihoods(LlamaForCausalLM model, IReadOnlyList<int> ids)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var input = tensor(ids.Select(i => (long)i).ToArray(), device: model.Device).unsqueeze(0);
        var logProbs = model.forward(input).to(ScalarType.Float64).log_softmax(-1)[0];                  // (T, vocab)
        var targets = tensor(ids.Skip(1).Select(i => (long)i).ToArray(), device: model.Device);
        var picked = logProbs.narrow(0, 0, ids.Count - 1).gather(1, targets.unsqueeze(1)).squeeze(1).cpu();
        return picked.data<double>().ToArray();
    }
}
