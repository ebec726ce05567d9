using System.Text;

namespace Workflows.Steps.Evaluate.Metrics;

/// <summary>SQuAD-style answer normalisation, shared by exact match, contains and token F1: lower case,
/// punctuation removed, the articles a/an/the dropped, whitespace collapsed. So "The 1,000." equals "1000".</summary>
internal static class AnswerNormaliser
{
    private static readonly HashSet<string> Articles = ["a", "an", "the"];

    public static string Normalise(string text) => string.Join(' ', Tokens(text));

    /// <summary>The normalised words.</summary>
    public static List<string> Tokens(string text)
    {
        var kept = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
            if (!char.IsPunctuation(c) && !char.IsSymbol(c)) kept.Append(c);
        return kept.ToString()
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Where(w => !Articles.Contains(w))
            .ToList();
    }
}
