using System.CommandLine;
using System.Text;
using Workflows.Cli.Output;
using Workflows.Engine.Validation;

namespace Workflows.Cli.Commands;

/// <summary><c>wf graph FILE</c>: the DAG as Mermaid (default) or Graphviz DOT.</summary>
internal static class GraphCommand
{
    public static Command Create()
    {
        var file = CommonOptions.WorkflowFile();
        var format = new Option<string>("--format") { Description = "mermaid or dot", DefaultValueFactory = _ => "mermaid" };
        format.AcceptOnlyFromAmong("mermaid", "dot");
        var command = new Command("graph", "Print the workflow's DAG as Mermaid or DOT") { file, format };
        command.SetAction(result =>
        {
            var loaded = WorkflowHost.Loader().Load(result.GetValue(file)!);
            if (!loaded.IsValid)
            {
                DiagnosticPrinter.Print(loaded.Diagnostics, Console.Error);
                return 1;
            }
            Console.Write(result.GetValue(format) == "dot" ? Dot(loaded.Workflow!) : Mermaid(loaded.Workflow!));
            return 0;
        });
        return command;
    }

    public static string Mermaid(ValidatedWorkflow workflow)
    {
        var text = new StringBuilder("flowchart TD\n");
        foreach (var step in workflow.Order)
            text.Append($"  {Id(step.Name)}[\"{step.Name}<br/><small>{step.Type.Name}</small>\"]\n");
        foreach (var step in workflow.Order)
            foreach (var dependency in step.DependsOn.Order(StringComparer.Ordinal))
                text.Append($"  {Id(dependency)} --> {Id(step.Name)}\n");
        return text.ToString();
    }

    public static string Dot(ValidatedWorkflow workflow)
    {
        var text = new StringBuilder($"digraph \"{workflow.Definition.Name}\" {{\n  rankdir=TB;\n");
        foreach (var step in workflow.Order) text.Append($"  \"{step.Name}\" [label=\"{step.Name}\\n{step.Type.Name}\"];\n");
        foreach (var step in workflow.Order)
            foreach (var dependency in step.DependsOn.Order(StringComparer.Ordinal))
                text.Append($"  \"{dependency}\" -> \"{step.Name}\";\n");
        return text.Append("}\n").ToString();
    }

    private static string Id(string name) => "s_" + string.Concat(name.Select(c => char.IsLetterOrDigit(c) ? c : '_'));
}
