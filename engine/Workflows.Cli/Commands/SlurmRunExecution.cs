using System.Reflection;
using Workflows.Cli.Output;
using Workflows.Engine.Diagnostics;
using Workflows.Engine.Execution;
using Workflows.Engine.Execution.Slurm;
using Workflows.Engine.Planning;
using Workflows.Engine.Runs;
using Workflows.Engine.Storage;

namespace Workflows.Cli.Commands;

/// <summary>The Slurm side of <c>run</c> and <c>resume</c>: which executor, its settings, following the
/// jobs with the same views as a local run, and what Ctrl-C does.</summary>
internal static class SlurmRunExecution
{
    /// <summary>Whether to use Slurm and how; null (after printing why) when the choice is invalid.</summary>
    public static (bool Use, SlurmSettings Settings)? Settings(ProjectLayout layout, string? executor, string? device, RunRecord? resume)
    {
        var diagnostics = new DiagnosticList();
        var config = ExecutorConfig.Read(layout.Root, diagnostics);
        if (diagnostics.HasErrors)
        {
            DiagnosticPrinter.Print(diagnostics.Sorted(), Console.Error);
            return null;
        }
        var table = resume is null ? null : SlurmJobTable.Load(new RunRecordStore(layout).DirectoryOf(resume.Id));
        var type = executor ?? (table is not null ? ExecutorConfig.SlurmType : config.Type);
        if (type is not (ExecutorConfig.Local or ExecutorConfig.SlurmType))
        {
            Console.Error.WriteLine($"--executor '{executor}': use local or slurm");
            return null;
        }
        return (type == ExecutorConfig.SlurmType, config.Slurm with { WfCommand = WfCommand(), Device = device ?? table?.Device });
    }

    public static async Task<int> ExecuteAsync(ProjectLayout layout, ExecutionPlan plan, RunRequest request, SlurmSettings settings, bool plain,
        string? onInterrupt, CancellationToken cancellationToken)
    {
        if (onInterrupt is not (null or "ask" or "cancel" or "detach"))
        {
            await Console.Error.WriteLineAsync($"--on-interrupt '{onInterrupt}': use ask, cancel or detach");
            return 2;
        }
        if (!SlurmExecutor.ClientAvailable())
        {
            await Console.Error.WriteLineAsync("--executor slurm: sbatch is not on PATH; run wf on a machine of the cluster (a login node) where the Slurm client commands are installed, or use --executor local");
            return 2;
        }
        var interactive = !Console.IsInputRedirected && !RunView.InCi;
        var executor = new SlurmExecutor(layout, settings);
        SlurmRunResult result;
        try
        {
            result = await RunView.ShowAsync(plain, observer => executor.RunAsync(plan, request with { Observer = observer }, () => Choose(onInterrupt, interactive), cancellationToken),
                r => r.Detached ? null : r.Record);
        }
        catch (Exception e) when (e is RunInProgressException or SlurmException)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }
        if (result.Detached)
        {
            Console.WriteLine($"detached from run {result.Record.Id}: {result.JobsLeft} Slurm job(s) keep running and the cluster runs the rest of the DAG; " +
                $"`wf show {result.Record.Id}` lists them, `scancel` stops them, `wf resume {result.Record.Id}` submits again what did not finish");
            return 130;
        }
        return RunView.ExitCode(result.Record);
    }

    private static SlurmInterrupt Choose(string? onInterrupt, bool interactive)
    {
        if (onInterrupt == "cancel") return SlurmInterrupt.Cancel;
        if (onInterrupt == "detach" || !interactive) return SlurmInterrupt.Detach;
        Console.Error.Write("Interrupted: [c]ancel the Slurm jobs (scancel) or [d]etach and leave them running? [d] ");
        var answer = Console.ReadLine()?.Trim().ToLowerInvariant();
        return answer is "c" or "cancel" ? SlurmInterrupt.Cancel : SlurmInterrupt.Detach;
    }

    /// <summary>How a compute node starts this very <c>wf</c> (it must be on the shared filesystem, as the project is).</summary>
    private static IReadOnlyList<string> WfCommand()
    {
        var host = Environment.ProcessPath ?? "wf";
        return Path.GetFileNameWithoutExtension(host) == "dotnet" && Assembly.GetEntryAssembly()?.Location is { Length: > 0 } dll ? [host, dll] : [host];
    }
}
