using System.Collections.Concurrent;
using Spectre.Console;
using Workflows.Engine.Execution;
using Workflows.Engine.Planning;
using Workflows.Engine.Runs;
using Workflows.Engine.Steps;

namespace Workflows.Cli.Output;

/// <summary>A live Spectre.Console view on a terminal: one progress bar per step with its state.</summary>
internal sealed class LiveObserver(ProgressContext progress) : IRunObserver
{
    private readonly ConcurrentDictionary<string, ProgressTask> _tasks = new();

    public void RunStarted(ExecutionPlan plan, RunRecord record)
    {
        foreach (var step in plan.Steps.Where(s => s.Decision != StepDecision.NotSelected))
            _tasks[step.Step.Name] = progress.AddTask(Label(step.Step.Name, "pending"), autoStart: false, maxValue: 1);
    }

    public void StepStarted(string step)
    {
        if (!_tasks.TryGetValue(step, out var task)) return;
        task.Description = Label(step, "running");
        task.StartTask();
    }

    public void StepProgress(string step, double fraction, string? status)
    {
        if (!_tasks.TryGetValue(step, out var task)) return;
        task.Value = fraction;
        if (status is not null) task.Description = Label(step, Markup.Escape(status));
    }

    public void StepLog(string step, StepLogLevel level, string message)
    {
        if (level == StepLogLevel.Info) return; // info lines stay in the step's log file
        AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(step)}: {Markup.Escape(message.Split('\n')[0])}[/]");
    }

    public void StepFinished(StepRecord step)
    {
        if (!_tasks.TryGetValue(step.Name, out var task)) return;
        var colour = step.State switch { StepState.Succeeded => "green", StepState.Cached => "blue", StepState.Failed => "red", _ => "grey" };
        task.Description = Label(step.Name, $"[{colour}]{step.State.ToString().ToLowerInvariant()}[/]");
        task.Value = 1;
        task.StopTask();
    }

    public void RunFinished(RunRecord record) { }

    private static string Label(string step, string status) => $"{Markup.Escape(step),-16} {status}";
}
