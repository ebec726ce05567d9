using Workflows.Engine.Execution;
using Workflows.Engine.Hosting;
using Workflows.Engine.Planning;
using Workflows.Engine.Runs;

namespace Workflows.Engine.Tests.Support;

/// <summary>A throwaway project folder with a workflow file, and shortcuts to load, plan and run it.</summary>
public sealed class TempProject : IDisposable
{
    public TempProject()
    {
        Root = Directory.CreateTempSubdirectory("wf-test-").FullName;
        Directory.CreateDirectory(Path.Combine(Root, ".wf"));
    }

    public string Root { get; }

    public string WorkflowPath => Path.Combine(Root, "workflow.yaml");

    public WorkflowLoader Loader { get; } = new([new TestSteps()]);

    public TempProject Write(string yaml)
    {
        File.WriteAllText(WorkflowPath, yaml.Replace("\t", "  "));
        return this;
    }

    public string WriteFile(string relative, string content)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public LoadedWorkflow Load(IReadOnlyDictionary<string, string>? overrides = null) => Loader.Load(WorkflowPath, overrides);

    public ExecutionPlan Plan(StepSelection? selection = null, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var loaded = Load(overrides);
        if (!loaded.IsValid) throw new InvalidOperationException(string.Join(Environment.NewLine, loaded.Diagnostics));
        return new Planner(loaded.Layout).Plan(loaded.Workflow!, selection ?? StepSelection.All);
    }

    public Task<RunRecord> RunAsync(StepSelection? selection = null, IReadOnlyDictionary<string, string>? overrides = null,
        CancellationToken cancellationToken = default, RunRequest? request = null)
    {
        var plan = Plan(selection, overrides);
        if (plan.Errors.Count > 0) throw new InvalidOperationException(string.Join(Environment.NewLine, plan.Errors));
        return new WorkflowExecutor(Load(overrides).Layout).RunAsync(plan, request ?? new RunRequest(), cancellationToken);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
