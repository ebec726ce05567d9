namespace Workflows.Steps.Evaluate.Metrics;

/// <summary>ROUGE-L F-measure (β = 1) over lower-cased words with punctuation removed: the longest common
/// subsequence gives precision LCS/|prediction| and recall LCS/|reference|, and the score is their
/// harmonic mean (what rouge-score reports as <c>rougeL.fmeasure</c>, without stemming).</summary>
internal static class RougeL
{
    public static double Score(string prediction, string reference)
    {
        var p = Words(prediction);
        var r = Words(reference);
        if (p.Length == 0 || r.Length == 0) return 0;
        var lcs = LongestCommonSubsequence(p, r);
        if (lcs == 0) return 0;
        var precision = (double)lcs / p.Length;
        var recall = (double)lcs / r.Length;
        return 2 * precision * recall / (precision + recall);
    }

    /// <summary>Length of the longest common subsequence, in O(|a|·|b|) time and O(|b|) memory.</summary>
    public static int LongestCommonSubsequence(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        var previous = new int[b.Count + 1];
        var current = new int[b.Count + 1];
        for (var i = 1; i <= a.Count; i++)
        {
            for (var j = 1; j <= b.Count; j++)
                current[j] = a[i - 1] == b[j - 1] ? previous[j - 1] + 1 : Math.Max(previous[j], current[j - 1]);
            (previous, current) = (current, previous);
        }
        return previous[b.Count];
    }

    private static string[] Words(string text) =>
        new string(text.ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) ? c : ' ').ToArray())
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
