using System.CommandLine;
using Workflows.Engine.Definition;
using Workflows.Engine.Planning;

namespace Workflows.Cli.Commands;

/// <summary><c>wf run FILE</c>: execute the workflow, reusing cached steps.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var file = CommonOptions.WorkflowFile();
        var set = CommonOptions.Set();
        var selection = new SelectionOptions();
        var plain = new Option<bool>("--plain") { Description = "Plain log lines instead of the live view (automatic when not a terminal or in CI)" };
        var device = new Option<string?>("--device") { Description = "auto | cpu | cuda | cuda:N: overrides the workflow's device: for this run" };
        var executor = new Option<string?>("--executor") { Description = "local | slurm: where steps run (default: wf.config.yaml's executor:, else local)" };
        var onInterrupt = new Option<string?>("--on-interrupt") { Description = "slurm: what Ctrl-C does — ask (default in a terminal), cancel (scancel the jobs) or detach (leave them running; the default elsewhere)" };
        var command = new Command("run", "Run a workflow; cached steps are reused") { file, set, plain, device, executor, onInterrupt };
        selection.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var overrides = CommonOptions.ParseSets(result.GetValue(set), Console.Error);
            if (overrides is null) return 2;
            if (result.GetValue(device) is { } chosen && !DeviceNames.IsValid(chosen))
            {
                await Console.Error.WriteLineAsync($"--device '{chosen}': use auto, cpu, cuda or cuda:N");
                return 2;
            }
            return await RunExecution.ExecuteAsync(result.GetValue(file)!, overrides, selection.Read(result), resume: null, result.GetValue(plain), cancellationToken,
                device: result.GetValue(device), executor: result.GetValue(executor), onInterrupt: result.GetValue(onInterrupt));
        });
        return command;
    }
}
