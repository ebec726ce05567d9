using System.CommandLine;
using Workflows.Engine.Diagnostics;

namespace Workflows.Cli.Commands;

/// <summary><c>wf steps</c>: the step types available, with their outputs.</summary>
internal static class StepsCommand
{
    public static Command Create()
    {
        var command = new Command("steps", "List the available step types and their outputs");
        command.SetAction(_ =>
        {
            var registry = WorkflowHost.Loader().Registry(Directory.GetCurrentDirectory(), new DiagnosticList());
            foreach (var type in registry.Types.OrderBy(t => t.Name, StringComparer.Ordinal))
            {
                var outputs = string.Join(", ", type.Outputs.Select(o => $"{o.Name}: {o.Kind.ToString().ToLowerInvariant()}"));
                Console.WriteLine($"{type.Name,-10} v{type.Version}  {type.Description}{(type.UsesDevice ? " [device]" : "")}");
                Console.WriteLine($"{"",-10}     outputs: {outputs}  ({type.Library})");
            }
            return 0;
        });
        return command;
    }
}
