using Workflows.Engine.Tracking;

namespace Workflows.Tracking;

/// <summary>The tags every run starts with, the same for the file store and the server.</summary>
internal static class RunTags
{
    /// <summary>Defaults first (source), then the caller's tags, then the ones that must match the run
    /// itself (name, user, parent), so a caller cannot make them disagree with the run's fields.</summary>
    public static IReadOnlyDictionary<string, string> ForStart(TrackingRunStart start, string userName, string sourceName)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [MlflowTags.SourceName] = sourceName,
            [MlflowTags.SourceType] = "JOB",
        };
        foreach (var (key, value) in start.Tags)
        {
            tags[key] = value;
        }

        tags[MlflowTags.RunName] = start.RunName;
        tags[MlflowTags.User] = userName;
        if (start.ParentRunId is { } parent)
        {
            tags[MlflowTags.ParentRunId] = parent;
        }

        return tags;
    }
}
