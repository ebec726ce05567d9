using System.Text.RegularExpressions;

namespace Workflows.Steps.Guard.GuardModel;

/// <summary>Reads a Llama-Guard-style answer: <c>safe</c>, or <c>unsafe</c> followed (on the next line or the same one)
/// by a comma-separated list of category codes. Case, surrounding whitespace, blank lines and a trailing full stop are
/// forgiven; anything else (other words, extra lines, codes outside the taxonomy) is <see cref="GuardOutcome.Unparseable"/>.</summary>
internal static partial class GuardVerdictParser
{
    public static GuardVerdict Parse(string answer, IReadOnlyCollection<string> knownCodes)
    {
        var lines = answer.Replace("\r", "").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        if (lines.Count == 0) return Unparseable(answer, "empty answer");
        var first = lines[0].TrimEnd('.').Trim();
        if (first.Equals("safe", StringComparison.OrdinalIgnoreCase))
            return lines.Count == 1 ? new GuardVerdict(GuardOutcome.Safe, [], answer) : Unparseable(answer, "text after 'safe'");
        if (!first.StartsWith("unsafe", StringComparison.OrdinalIgnoreCase)) return Unparseable(answer, "first line is neither 'safe' nor 'unsafe'");
        var rest = first[6..];
        if (rest.Length > 0 && !char.IsWhiteSpace(rest[0]) && rest[0] != ':' && rest[0] != ',') return Unparseable(answer, $"'{first}' is not 'unsafe'");
        var listed = string.Join(",", new[] { rest.TrimStart(':', ',', ' ') }.Concat(lines.Skip(1)).Where(s => s.Length > 0));
        if (lines.Count > 2) return Unparseable(answer, "more than two lines");
        var codes = new List<string>();
        foreach (var token in listed.Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(t => t.TrimEnd('.')))
        {
            var match = Code().Match(token);
            var code = match.Success ? $"S{int.Parse(match.Groups[1].Value)}" : null;
            if (code is null || !knownCodes.Contains(code)) return Unparseable(answer, $"'{token}' is not a category code ({string.Join(", ", knownCodes)})");
            if (!codes.Contains(code)) codes.Add(code);
        }
        return new GuardVerdict(GuardOutcome.Unsafe, codes, answer);
    }

    private static GuardVerdict Unparseable(string answer, string problem) => new(GuardOutcome.Unparseable, [], answer, problem);

    [GeneratedRegex(@"^[sS]0*(\d{1,2})$")]
    private static partial Regex Code();
}
