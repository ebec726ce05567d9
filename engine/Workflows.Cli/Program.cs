using System.CommandLine;
using Workflows.Cli.Commands;

var root = new RootCommand("wf — run versioned YAML workflow graphs for fine-tuning LLMs");
foreach (var command in CommandCatalog.All())
{
    root.Add(command);
}

// Ctrl-C/SIGTERM cancel the command's token; the command then gets up to 30 s (not the default 2 s) to
// finish cleanly: a run records its cancelled steps, and a Slurm run asks whether to cancel its jobs or
// detach (no answer in time detaches) and waits for scancel to take effect.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) });
