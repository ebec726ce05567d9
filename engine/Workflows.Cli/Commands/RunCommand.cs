using System.CommandLine;
using Workflows.Engine.Planning;

namespace Workflows.Cli.Commands;

/// <summary><c>wf run FILE</c>: execute the workflow, reusing cached steps.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var file = CommonOptions.WorkflowFile();
        var set = CommonOptions.Set();
        var step = CommonOptions.Step();
        var from = CommonOptions.From();
        var force = CommonOptions.Force();
        var plain = new Option<bool>("--plain") { Description = "Plain log lines instead of the live view (automatic when not a terminal or in CI)" };
        var command = new Command("run", "Run a workflow; cached steps are reused") { file, set, step, from, force, plain };
        command.SetAction(async (result, cancellationToken) =>
        {
            var overrides = CommonOptions.ParseSets(result.GetValue(set), Console.Error);
            if (overrides is null) return 2;
            var selection = new StepSelection { Only = result.GetValue(step), From = result.GetValue(from), Force = (result.GetValue(force) ?? []).ToHashSet() };
            return await RunExecution.ExecuteAsync(result.GetValue(file)!, overrides, selection, resume: null, result.GetValue(plain), cancellationToken);
        });
        return command;
    }
}
