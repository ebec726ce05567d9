using Workflows.Cli.Output;
using Workflows.Engine.Execution;
using Workflows.Engine.Hosting;
using Workflows.Engine.Planning;
using Workflows.Engine.Runs;
using Workflows.Engine.Storage;
using Workflows.Engine.Tracking;
using Workflows.Engine.Validation;
using Workflows.Tracking;

namespace Workflows.Cli.Commands;

/// <summary>The part of <c>run</c> and <c>resume</c> that loads, plans, executes and reports, and the
/// loading, planning and tracker set-up that <c>run-step</c> (a step of such a run, as a Slurm job) repeats.</summary>
internal static class RunExecution
{
    public static async Task<int> ExecuteAsync(string file, Dictionary<string, string> overrides, StepSelection selection,
        RunRecord? resume, bool plain, CancellationToken cancellationToken, string? workflowText = null, string? device = null,
        string? executor = null, string? onInterrupt = null)
    {
        if (Plan(file, overrides, selection, workflowText, device) is not var (loaded, plan)) return 1;
        if (Tracker(loaded) is not { } tracker) return 2;
        using var disposeTracker = tracker as IDisposable;
        var request = new RunRequest
        {
            Tracker = tracker,
            ParamOverrides = overrides,
            Source = WorkflowHost.Source(loaded.Layout.Root),
            Resume = resume,
            WorkflowText = loaded.Text,
        };
        if (resume is not null && new RunRecordStore(loaded.Layout).IsAlive(resume.Id))
        {
            Console.Error.WriteLine(RunInProgress.Message(new RunRecordStore(loaded.Layout), resume.Id));
            return 1;
        }
        if (SlurmRunExecution.Settings(loaded.Layout, executor, device, resume) is not { } slurm) return 2;
        if (slurm.Use) return await SlurmRunExecution.ExecuteAsync(loaded.Layout, plan, request, slurm.Settings, plain, onInterrupt, cancellationToken);
        var local = new WorkflowExecutor(loaded.Layout);
        try
        {
            var record = await RunView.ShowAsync(plain, observer => local.RunAsync(plan, request with { Observer = observer }, cancellationToken), r => r);
            return RunView.ExitCode(record);
        }
        catch (RunInProgressException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }

    /// <summary>Loads the workflow (from <paramref name="text"/>, a run's snapshot, when given), gives it
    /// the <c>--device</c> override and plans it; null, after printing what is wrong, when it is invalid.</summary>
    public static (LoadedWorkflow Loaded, ExecutionPlan Plan)? Plan(string file, IReadOnlyDictionary<string, string> overrides, StepSelection selection,
        string? text, string? device, ProjectLayout? layout = null)
    {
        var loaded = WorkflowHost.Loader().Load(file, overrides, text, layout);
        if (!loaded.IsValid)
        {
            DiagnosticPrinter.Print(loaded.Diagnostics, Console.Error);
            return null;
        }
        var workflow = loaded.Workflow!;
        // The device is where steps run, not what they compute, so it is no part of any fingerprint.
        if (device is not null) workflow = new ValidatedWorkflow(workflow.Definition with { Device = device }, workflow.ProjectRoot, workflow.Order);
        var plan = new Planner(loaded.Layout).Plan(workflow, selection);
        foreach (var error in plan.Errors) Console.Error.WriteLine(error);
        return plan.Errors.Count > 0 ? null : (loaded, plan);
    }

    /// <summary>The steps <paramref name="record"/>'s run selected (<c>--step</c>, <c>--from</c>, <c>--force</c>).</summary>
    public static StepSelection SelectionOf(RunRecord record) =>
        new() { Only = record.OnlyStep, From = record.FromStep, Force = record.ForcedSteps.ToHashSet() };

    /// <summary>The tracker the workflow asks for; null, after printing why, when it cannot be set up.</summary>
    public static ITracker? Tracker(LoadedWorkflow loaded)
    {
        try
        {
            return WorkflowHost.Tracker(loaded.Layout.Root, loaded.Workflow!.Definition.TrackingEnabled);
        }
        catch (MlflowException e)
        {
            Console.Error.WriteLine($"tracking: {e.Message}");
            return null;
        }
    }
}
