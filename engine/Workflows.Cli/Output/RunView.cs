using Spectre.Console;
using Workflows.Engine.Execution;
using Workflows.Engine.Runs;

namespace Workflows.Cli.Output;

/// <summary>How <c>run</c> and <c>resume</c> show a run, whichever executor runs its steps: the live
/// progress view in a terminal, plain log lines otherwise; and the exit code its outcome makes.</summary>
internal static class RunView
{
    /// <summary>True under CI (<c>CI</c> set): plain lines, and no questions asked.</summary>
    public static bool InCi => Environment.GetEnvironmentVariable("CI") is { Length: > 0 };

    /// <summary>Runs <paramref name="run"/> with the view's observer: plain lines with <paramref name="plain"/>
    /// (<c>--plain</c>), when output is redirected or under CI, else the live view, after which the summary
    /// line of the record <paramref name="finished"/> picks is printed (the plain log has its own last line).</summary>
    public static async Task<T> ShowAsync<T>(bool plain, Func<IRunObserver, Task<T>> run, Func<T, RunRecord?> finished)
    {
        if (plain || Console.IsOutputRedirected || InCi) return await run(new PlainObserver(Console.Out));
        var result = await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(ctx => run(new LiveObserver(ctx)));
        if (finished(result) is { } record) Console.WriteLine(RunSummary.Line(record));
        return result;
    }

    /// <summary>0 when the run succeeded, 130 when it was cancelled (as after SIGINT), else 1.</summary>
    public static int ExitCode(RunRecord record) => record.Status switch { RunStatus.Succeeded => 0, RunStatus.Cancelled => 130, _ => 1 };
}
