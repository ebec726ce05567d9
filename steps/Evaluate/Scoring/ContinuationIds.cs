using Workflows.Torch.Tokenization;

namespace Workflows.Steps.Evaluate.Scoring;

/// <summary>
/// The tokens of a context followed by one continuation, as lm-evaluation-harness takes them for a
/// log-likelihood: trailing spaces of the context move onto the continuation, the whole text is encoded
/// (BOS first), and the continuation's tokens are those past encode(context), at least one.
/// </summary>
/// <param name="Ids">encode(context + continuation), BOS first.</param>
/// <param name="ContextTokens">How many tokens encode(context without its trailing spaces) has.</param>
internal readonly record struct ContinuationIds(IReadOnlyList<int> Ids, int ContextTokens)
{
    /// <summary>The tokens the log-likelihood sums over: those past the context, and at least the last.</summary>
    public int Scored => Math.Max(1, Ids.Count - ContextTokens);

    /// <summary>The ids of <paramref name="context"/> + each of <paramref name="continuations"/>; the context is encoded once.</summary>
    public static IReadOnlyList<ContinuationIds> Encode(TextTokenizer tokenizer, string context, IEnumerable<string> continuations)
    {
        var trimmed = context.TrimEnd(' ');
        var spaces = context[trimmed.Length..];
        var contextTokens = tokenizer.Encode(trimmed, addBos: true).Count;
        return [.. continuations.Select(c => new ContinuationIds(tokenizer.Encode(trimmed + spaces + c, addBos: true), contextTokens))];
    }
}
