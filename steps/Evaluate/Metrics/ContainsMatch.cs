namespace Workflows.Steps.Evaluate.Metrics;

/// <summary>1 when the reference occurs in the prediction at word boundaries ("42" is in "it is 42 apples"
/// but not in "420"), else 0. Both are normalised by <see cref="AnswerNormaliser"/> first, unless
/// normalisation is off: then words are split on whitespace and compared exactly, as exact match does.
/// An empty reference never matches.</summary>
internal static class ContainsMatch
{
    public static double Score(string prediction, string reference, bool normalise = true)
    {
        var needle = Words(reference, normalise);
        if (needle.Length == 0) return 0;
        return $" {Words(prediction, normalise)} ".Contains($" {needle} ", StringComparison.Ordinal) ? 1 : 0;
    }

    private static string Words(string text, bool normalise) =>
        normalise ? AnswerNormaliser.Normalise(text) : string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
