using System.Text.RegularExpressions;

namespace Workflows.Steps.Guard.Detectors;

/// <summary>Findings are the matches of a regex (its group named <c>value</c> when it has one) that pass an optional
/// validity check (a checksum, a numbering rule), so "looks like" never counts without "is".</summary>
internal sealed class RegexDetector(string category, string kind, Regex regex, Func<string, bool>? isValid = null) : IDetector
{
    public string Category => category;

    public IEnumerable<Finding> Find(string text)
    {
        foreach (Match match in regex.Matches(text))
        {
            var span = match.Groups["value"] is { Success: true } value ? value : (Group)match;
            if (isValid is null || isValid(span.Value)) yield return new Finding(category, kind, span.Index, span.Length);
        }
    }

    public static Regex Compile(string pattern, RegexOptions extra = RegexOptions.None) =>
        new(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant | extra, TimeSpan.FromSeconds(1));
}
