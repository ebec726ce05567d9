using Workflows.Engine.Execution;
using Workflows.Engine.Planning;
using Workflows.Engine.Runs;
using Workflows.Engine.Steps;

namespace Workflows.Cli.Output;

/// <summary>One line per event, for logs, CI and pipes. Progress is printed at most every 10%.</summary>
internal sealed class PlainObserver(TextWriter writer) : IRunObserver
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _lastDecile = [];

    public void RunStarted(ExecutionPlan plan, RunRecord record) =>
        Write($"run {record.Id}: {plan.Workflow.Definition.Name} v{plan.Workflow.Definition.Version}, {plan.Steps.Count(s => s.Decision != StepDecision.NotSelected)} step(s)");

    public void StepStarted(string step) => Write($"[{step}] started");

    public void StepProgress(string step, double fraction, string? status)
    {
        var decile = (int)(fraction * 10);
        lock (_gate)
        {
            if (_lastDecile.TryGetValue(step, out var last) && last >= decile) return;
            _lastDecile[step] = decile;
        }
        Write($"[{step}] {fraction:P0}{(status is null ? "" : " " + status)}");
    }

    public void StepLog(string step, StepLogLevel level, string message) =>
        Write($"[{step}] {(level == StepLogLevel.Info ? "" : level.ToString().ToLowerInvariant() + ": ")}{FirstLine(message)}");

    public void StepFinished(StepRecord step)
    {
        if (step.State == StepState.NotSelected) return;
        var seconds = step.Seconds is { } s ? $" in {s:0.0}s" : "";
        var detail = step.State switch
        {
            StepState.Cached => $" — {step.Reason}",
            StepState.Failed or StepState.Skipped or StepState.Cancelled => $" — {step.Error}",
            _ => "",
        };
        Write($"[{step.Name}] {step.State.ToString().ToLowerInvariant()}{seconds}{detail}");
    }

    public void RunFinished(RunRecord record) => Write(RunSummary.Line(record));

    private static string FirstLine(string message) => message.Split('\n')[0].TrimEnd('\r');

    private void Write(string line)
    {
        lock (_gate) writer.WriteLine($"{DateTime.Now:HH:mm:ss} {line}");
    }
}
