using System.Text.RegularExpressions;

namespace Workflows.Steps.Guard.Detectors;

/// <summary>A user category: whole words or phrases (case-insensitive) and regular expressions. The finding's kind
/// is the matched text, lower-cased, so the report says which entry hit.</summary>
internal sealed class BlocklistDetector(string category, IEnumerable<string> words, IEnumerable<string> patterns) : IDetector
{
    private readonly Regex[] _regexes =
    [
        .. words.Where(w => w.Trim().Length > 0).Select(w => RegexDetector.Compile($@"(?<!\w){Regex.Escape(w.Trim())}(?!\w)", RegexOptions.IgnoreCase)),
        .. patterns.Select(p => RegexDetector.Compile(p)),
    ];

    public string Category => category;

    public IEnumerable<Finding> Find(string text) =>
        _regexes.SelectMany(r => r.Matches(text)).OrderBy(m => m.Index)
            .Select(m => new Finding(category, m.Value.ToLowerInvariant(), m.Index, m.Length));
}
