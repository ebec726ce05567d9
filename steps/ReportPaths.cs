namespace Workflows.Steps;

/// <summary>Paths as reports record them. Inputs from the artifact store arrive as absolute paths
/// under the project, which would make a report's bytes depend on where the project lives; reports
/// record them relative to the project root (<c>.wf/store/&lt;digest&gt;</c>) instead.</summary>
internal static class ReportPaths
{
    /// <summary><paramref name="path"/> relative to <paramref name="projectRoot"/> with '/' separators
    /// when it lies inside the project; otherwise unchanged.</summary>
    public static string? Portable(string? path, string projectRoot)
    {
        if (string.IsNullOrEmpty(path) || !Path.IsPathRooted(path)) return path;
        var relative = Path.GetRelativePath(projectRoot, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative.Replace('\\', '/');
    }
}
