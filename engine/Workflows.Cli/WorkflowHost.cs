using Workflows.Engine.Hosting;
using Workflows.Engine.Steps;
using Workflows.Engine.Tracking;
using Workflows.Steps;

namespace Workflows.Cli;

/// <summary>Composes the engine with this distribution's step library, tracker and source facts.</summary>
internal static class WorkflowHost
{
    public static IReadOnlyList<IStepLibrary> BuiltInLibraries { get; } = [new BuiltInSteps()];

    public static WorkflowLoader Loader() => new(BuiltInLibraries);

    public static ITracker Tracker(string projectRoot, bool enabled) => enabled ? new NullTracker() : new NullTracker();

    public static IReadOnlyDictionary<string, string> Source(string projectRoot) => new Dictionary<string, string>();
}
