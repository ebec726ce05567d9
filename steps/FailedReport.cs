using Workflows.Engine.Steps;

namespace Workflows.Steps;

/// <summary>A failed step's outputs are discarded, so the report that explains the failure is copied to the
/// state folder (which outlives it) and attached to the tracking run.</summary>
internal static class FailedReport
{
    /// <returns>The kept Markdown report's path.</returns>
    public static string Keep(string reportFolder, IStepContext context, params string[] files)
    {
        Directory.CreateDirectory(context.StateDirectory);
        foreach (var file in files)
        {
            var kept = Path.Combine(context.StateDirectory, file);
            File.Copy(Path.Combine(reportFolder, file), kept, overwrite: true);
            context.LogArtifact(kept); // a file goes to the run's artifact root under its own name
        }
        return Path.Combine(context.StateDirectory, files[0]);
    }
}
