using System.Text.RegularExpressions;

namespace Workflows.Steps.Evaluate.Metrics;

/// <summary>Pulls the answer out of a longer text with a regex: its first capture group when it has one,
/// else the whole match; the last match wins when the pattern matches more than once (a model that
/// restates the question's numbers before its answer). No pattern: the trimmed text.</summary>
internal sealed class AnswerExtractor(string? pattern)
{
    private readonly Regex? _regex = pattern is null ? null : new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>The answer, or null when the pattern does not match (the item then scores 0).</summary>
    public string? Extract(string text)
    {
        if (_regex is null) return text.Trim();
        var matches = _regex.Matches(text);
        if (matches.Count == 0) return null;
        var last = matches[^1];
        return (last.Groups.Count > 1 ? last.Groups[1].Value : last.Value).Trim();
    }

    /// <summary>An error for a pattern that does not compile.</summary>
    public static string? Check(string? pattern)
    {
        if (pattern is null) return null;
        try
        {
            _ = new Regex(pattern);
            return null;
        }
        catch (ArgumentException e)
        {
            return $"is not a valid regular expression: {e.Message}";
        }
    }
}
