using System.Text;

namespace Workflows.Steps.Guard.Detectors;

/// <summary>Replaces personal data and secrets with their kind in brackets (<c>[EMAIL]</c>, <c>[CREDIT_CARD]</c>), so a
/// report can quote prompts and outputs without repeating what it flags. Overlapping spans merge.</summary>
internal static class PiiMasker
{
    public static string Mask(string text, IEnumerable<Finding> findings)
    {
        var spans = findings.Where(f => f.Category is PiiDetectors.Category or SecretDetectors.Category).OrderBy(f => f.Start).ToList();
        if (spans.Count == 0) return text;
        var masked = new StringBuilder();
        var at = 0;
        foreach (var span in spans)
        {
            if (span.Start + span.Length <= at) continue;
            if (span.Start >= at)
            {
                masked.Append(text, at, span.Start - at);
                masked.Append('[').Append(span.Kind.ToUpperInvariant()).Append(']');
            }
            at = span.Start + span.Length;
        }
        return masked.Append(text, at, text.Length - at).ToString();
    }
}
