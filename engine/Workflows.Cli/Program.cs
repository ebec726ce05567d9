using System.CommandLine;
using Workflows.Cli.Commands;
using Workflows.Torch.Engine;

// Commands that may train start again under the compact C heap before anything else runs (glibc reads
// its heap settings only at process start; see CompactHeap): about half the resident memory, same CPU time.
if (args.Length > 0 && args[0] is "run" or "resume" or "run-step" or "bench") CompactHeap.Restart();

// A machine setting that steps read while they run: a bad value is one clear line now, not a failed step later.
if (args.Length > 0 && args[0] is "run" or "resume" or "run-step" or "generate" or "bench" && InferenceWorkers.Problem() is { } workers)
{
    Console.Error.WriteLine($"wf: {workers}");
    return 2;
}

var root = new RootCommand("wf — run versioned YAML workflow graphs for fine-tuning LLMs");
foreach (var command in CommandCatalog.All())
{
    root.Add(command);
}

// Ctrl-C/SIGTERM cancel the command's token; the command then gets up to 30 s (not the default 2 s) to
// finish cleanly: a run records its cancelled steps, and a Slurm run asks whether to cancel its jobs or
// detach (no answer in time detaches) and waits for scancel to take effect.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) });
