namespace Workflows.Steps.Evaluate.Metrics;

/// <summary>1 when the normalised reference occurs in the normalised prediction at word boundaries
/// ("42" is in "it is 42 apples" but not in "420"), else 0. An empty reference never matches.</summary>
internal static class ContainsMatch
{
    public static double Score(string prediction, string reference)
    {
        var needle = AnswerNormaliser.Normalise(reference);
        if (needle.Length == 0) return 0;
        return $" {AnswerNormaliser.Normalise(prediction)} ".Contains($" {needle} ", StringComparison.Ordinal) ? 1 : 0;
    }
}
