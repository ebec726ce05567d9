using System.CommandLine;
using Workflows.Cli.Output;
using Workflows.Engine.Planning;

namespace Workflows.Cli.Commands;

/// <summary><c>wf plan FILE</c>: the steps in execution order, each cached or to run, and why.</summary>
internal static class PlanCommand
{
    public static Command Create()
    {
        var file = CommonOptions.WorkflowFile();
        var set = CommonOptions.Set();
        var selection = new SelectionOptions();
        var command = new Command("plan", "Show what a run would do: each step cached or to run, and why") { file, set };
        selection.AddTo(command);
        command.SetAction(result =>
        {
            var overrides = CommonOptions.ParseSets(result.GetValue(set), Console.Error);
            if (overrides is null) return 2;
            var loaded = WorkflowHost.Loader().Load(result.GetValue(file)!, overrides);
            if (!loaded.IsValid)
            {
                DiagnosticPrinter.Print(loaded.Diagnostics, Console.Error);
                return 1;
            }
            var plan = new Planner(loaded.Layout).Plan(loaded.Workflow!, selection.Read(result));
            PlanPrinter.Print(plan, Console.Out);
            foreach (var error in plan.Errors) Console.Error.WriteLine(error);
            return plan.Errors.Count > 0 ? 1 : 0;
        });
        return command;
    }
}
