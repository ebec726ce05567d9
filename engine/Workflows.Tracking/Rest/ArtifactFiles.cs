namespace Workflows.Tracking.Rest;

/// <summary>The files an artifact call uploads, with their paths in the run: a file goes to
/// <c>artifactPath/name</c>, a folder's contents to <c>artifactPath/…</c> (MLflow's log_artifact and
/// log_artifacts).</summary>
internal static class ArtifactFiles
{
    public static IReadOnlyList<(string File, string ArtifactPath)> Expand(string localPath, string? artifactPath)
    {
        var prefix = string.IsNullOrEmpty(artifactPath) ? string.Empty : TrackingKeys.Sanitize(artifactPath) + "/";
        if (File.Exists(localPath))
        {
            return [(localPath, prefix + Path.GetFileName(localPath))];
        }

        if (!Directory.Exists(localPath))
        {
            throw new FileNotFoundException($"artifact '{localPath}' does not exist", localPath);
        }

        return Directory.EnumerateFiles(localPath, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(file => (file, prefix + Path.GetRelativePath(localPath, file).Replace(Path.DirectorySeparatorChar, '/')))
            .ToList();
    }
}
