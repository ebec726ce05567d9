using System.Text;
using System.Text.RegularExpressions;

namespace Workflows.Tracking.Git;

/// <summary>GitHub-Actions-style globs for <c>on.push.paths</c> and <c>branches</c>: <c>**</c> any number of
/// path segments, <c>*</c> anything within one segment, <c>?</c> one character; a leading <c>!</c> excludes,
/// and the last pattern that matches decides.</summary>
/// <remarks>Written here rather than taken from Microsoft.Extensions.FileSystemGlobbing: that matcher works
/// on directories on disk and has no ordered negation, and the paths to match are git diff entries.</remarks>
internal sealed class PathGlob
{
    private readonly List<(Regex Pattern, bool Include)> _patterns;

    public PathGlob(IEnumerable<string> patterns) =>
        _patterns = patterns
            .Where(pattern => !string.IsNullOrWhiteSpace(pattern))
            .Select(pattern => pattern.Trim())
            .Select(pattern => pattern.StartsWith('!') ? (ToRegex(pattern[1..]), false) : (ToRegex(pattern), true))
            .ToList();

    public bool IsMatch(string path)
    {
        var matched = false;
        foreach (var (pattern, include) in _patterns)
        {
            if (pattern.IsMatch(path))
            {
                matched = include;
            }
        }

        return matched;
    }

    internal static Regex ToRegex(string glob)
    {
        var pattern = glob.TrimStart('/').Replace('\\', '/');
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                var slashAfter = i + 2 < pattern.Length && pattern[i + 2] == '/';
                regex.Append(slashAfter ? "(?:.*/)?" : ".*");
                i += slashAfter ? 2 : 1;
            }
            else
            {
                regex.Append(c switch
                {
                    '*' => "[^/]*",
                    '?' => "[^/]",
                    _ => Regex.Escape(c.ToString()),
                });
            }
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
