namespace Workflows.Steps.Package;

/// <summary>Keeps local absolute paths out of text that leaves the machine: paths under the project
/// root become relative to it, paths beside it (<c>../shared/…</c>) relative too; any other absolute
/// path keeps only its last two parts behind an ellipsis.</summary>
internal static partial class PathScrubber
{
    public static string Scrub(string text, string projectRoot)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(projectRoot));
        var parent = Path.GetDirectoryName(root);
        text = text.Replace(root + "/", "", StringComparison.Ordinal).Replace(root, ".", StringComparison.Ordinal);
        if (!string.IsNullOrEmpty(parent) && parent != "/") text = text.Replace(parent + "/", "../", StringComparison.Ordinal);
        return Absolute().Replace(text, m => "…/" + string.Join("/", m.Value.Split('/', StringSplitOptions.RemoveEmptyEntries).TakeLast(2)));
    }

    // An absolute Unix path of at least three parts, outside URLs (not after ':' or another '/').
    [System.Text.RegularExpressions.GeneratedRegex(@"(?<![:/\w.])/(?:[\w.+-]+/){2,}[\w.+-]+")]
    private static partial System.Text.RegularExpressions.Regex Absolute();
}
