using System.CommandLine;
using Workflows.Cli.Output;

namespace Workflows.Cli.Commands;

/// <summary><c>wf validate FILE</c>: every problem at once, as path:line:col lines; non-zero exit when any.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var file = CommonOptions.WorkflowFile();
        var set = CommonOptions.Set();
        var command = new Command("validate", "Check a workflow and report every problem at once") { file, set };
        command.SetAction(result =>
        {
            var overrides = CommonOptions.ParseSets(result.GetValue(set), Console.Error);
            if (overrides is null) return 2;
            var loaded = WorkflowHost.Loader().Load(result.GetValue(file)!, overrides);
            if (!loaded.IsValid)
            {
                DiagnosticPrinter.Print(loaded.Diagnostics, Console.Out);
                return 1;
            }
            var workflow = loaded.Workflow!;
            Console.WriteLine($"{workflow.Definition.SourcePath}: valid — {workflow.Definition.Name} v{workflow.Definition.Version}, {workflow.Order.Count} step(s)");
            return 0;
        });
        return command;
    }
}
