using Workflows.Engine.Execution;
using Workflows.Engine.Hosting;
using Workflows.Engine.Planning;
using Workflows.Engine.Runs;
using Workflows.Engine.Storage;

namespace Workflows.Steps.Tests.TestSupport;

/// <summary>Runs a repository workflow through the real engine (load, validate, plan, execute) with the
/// built-in steps, keeping its state in a temp folder so tests never share a cache.</summary>
internal sealed class EngineRun : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("wf-steps-").FullName;

    public ProjectLayout Layout => new(RepoPaths.Root) { StateRoot = _state };

    public ArtifactStore Store => new(Layout);

    public static WorkflowLoader Loader() => new([new BuiltInSteps()]);

    public async Task<RunRecord> RunAsync(string relativePath, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var loaded = Loader().Load(Path.Combine(RepoPaths.Root, relativePath), overrides, layout: Layout);
        if (!loaded.IsValid) throw new InvalidOperationException(string.Join(Environment.NewLine, loaded.Diagnostics));
        var plan = new Planner(Layout).Plan(loaded.Workflow!, StepSelection.All);
        return await new WorkflowExecutor(Layout).RunAsync(plan, new RunRequest(), CancellationToken.None);
    }

    /// <summary>The store folder of a step's output.</summary>
    public string Output(RunRecord record, string step, string output) => Store.PathOf(record.Step(step).Outputs[output]);

    public void Dispose()
    {
        try { Directory.Delete(_state, recursive: true); } catch (IOException) { }
    }
}
