using Workflows.Engine.Hosting;
using Workflows.Engine.Steps;
using Workflows.Engine.Tracking;
using Workflows.Steps;
using Workflows.Tracking;
using Workflows.Tracking.Git;

namespace Workflows.Cli;

/// <summary>Composes the engine with this distribution's step library, tracker and source facts.</summary>
internal static class WorkflowHost
{
    public static IReadOnlyList<IStepLibrary> BuiltInLibraries { get; } = [new BuiltInSteps()];

    public static WorkflowLoader Loader() => new(BuiltInLibraries);

    /// <summary>MLflow as the environment says (<c>MLFLOW_TRACKING_URI</c>), else an <c>./mlruns</c> file
    /// store in the project root; nothing when the workflow switches tracking off.</summary>
    public static ITracker Tracker(string projectRoot, bool enabled) => enabled
        ? TrackerFactory.FromEnvironment(new TrackerFactoryOptions
        {
            WorkingDirectory = projectRoot,
            Warn = message => Console.Error.WriteLine($"tracking: {message}"),
        })
        : new NullTracker();

    /// <summary>Commit, branch and dirty flag when the project is a git repository; empty otherwise.</summary>
    public static IReadOnlyDictionary<string, string> Source(string projectRoot) =>
        GitInfo.Read(projectRoot).Value?.ToTags() ?? new Dictionary<string, string>();
}
