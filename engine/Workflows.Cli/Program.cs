using System.CommandLine;
using Workflows.Cli.Commands;

var root = new RootCommand("wf — run versioned YAML workflow graphs for fine-tuning LLMs");
foreach (var command in CommandCatalog.All())
{
    root.Add(command);
}

return await root.Parse(args).InvokeAsync();
