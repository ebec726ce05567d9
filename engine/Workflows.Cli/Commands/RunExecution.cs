using Spectre.Console;
using Workflows.Cli.Output;
using Workflows.Engine.Execution;
using Workflows.Engine.Planning;
using Workflows.Engine.Runs;
using Workflows.Engine.Tracking;
using Workflows.Engine.Validation;
using Workflows.Tracking;

namespace Workflows.Cli.Commands;

/// <summary>The part of <c>run</c> and <c>resume</c> that loads, plans, executes and reports.</summary>
internal static class RunExecution
{
    public static async Task<int> ExecuteAsync(string file, Dictionary<string, string> overrides, StepSelection selection,
        RunRecord? resume, bool plain, CancellationToken cancellationToken, string? workflowText = null, string? device = null,
        string? executor = null, string? onInterrupt = null)
    {
        var loaded = WorkflowHost.Loader().Load(file, overrides, workflowText);
        if (!loaded.IsValid)
        {
            DiagnosticPrinter.Print(loaded.Diagnostics, Console.Error);
            return 1;
        }
        var workflow = loaded.Workflow!;
        // The device is where steps run, not what they compute, so it is no part of any fingerprint.
        if (device is not null) workflow = new ValidatedWorkflow(workflow.Definition with { Device = device }, workflow.ProjectRoot, workflow.Order);
        var plan = new Planner(loaded.Layout).Plan(workflow, selection);
        if (plan.Errors.Count > 0)
        {
            foreach (var error in plan.Errors) Console.Error.WriteLine(error);
            return 1;
        }
        ITracker tracker;
        try
        {
            tracker = WorkflowHost.Tracker(loaded.Layout.Root, loaded.Workflow!.Definition.TrackingEnabled);
        }
        catch (MlflowException e)
        {
            Console.Error.WriteLine($"tracking: {e.Message}");
            return 2;
        }
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
        RunRecord record;
        try
        {
            if (plain || Console.IsOutputRedirected || Environment.GetEnvironmentVariable("CI") is { Length: > 0 })
            {
                record = await local.RunAsync(plan, request with { Observer = new PlainObserver(Console.Out) }, cancellationToken);
            }
            else
            {
                record = await AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .StartAsync(ctx => local.RunAsync(plan, request with { Observer = new LiveObserver(ctx) }, cancellationToken));
                Console.WriteLine(RunSummary.Line(record));
            }
        }
        catch (RunInProgressException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
        return record.Status switch { RunStatus.Succeeded => 0, RunStatus.Cancelled => 130, _ => 1 };
    }
}
