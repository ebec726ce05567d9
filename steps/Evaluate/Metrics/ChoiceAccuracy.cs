namespace Workflows.Steps.Evaluate.Metrics;

/// <summary>Multiple-choice scoring exactly as lm-evaluation-harness defines it: <c>acc</c> is 1 when the
/// choice with the highest log-likelihood is the gold one; <c>acc_norm</c> picks the highest log-likelihood
/// divided by the choice's length in characters (<c>len(choice)</c> of the choice text, without the
/// separator). Ties go to the first choice, as numpy's argmax does.</summary>
internal static class ChoiceAccuracy
{
    public static double Acc(IReadOnlyList<double> logLikelihoods, int gold) => ArgMax(logLikelihoods) == gold ? 1 : 0;

    public static double AccNorm(IReadOnlyList<double> logLikelihoods, IReadOnlyList<string> choices, int gold) =>
        ArgMax(logLikelihoods.Select((ll, i) => ll / Math.Max(1, choices[i].Length)).ToList()) == gold ? 1 : 0;

    public static int ArgMax(IReadOnlyList<double> values)
    {
        var best = 0;
        for (var i = 1; i < values.Count; i++)
            if (values[i] > values[best]) best = i;
        return best;
    }
}
