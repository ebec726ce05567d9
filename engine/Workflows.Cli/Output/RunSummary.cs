using Workflows.Engine.Runs;

namespace Workflows.Cli.Output;

/// <summary>The closing line of a run, the same in every view.</summary>
internal static class RunSummary
{
    public static string Line(RunRecord record)
    {
        var counts = record.Steps.Where(s => s.State != StepState.NotSelected).GroupBy(s => s.State)
            .Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}");
        var text = $"run {record.Id} {record.Status.ToString().ToLowerInvariant()}: {string.Join(", ", counts)}";
        if (record.Steps.All(s => s.State is StepState.Cached or StepState.NotSelected))
            text += " — nothing to do, every step was cached";
        var failed = record.Steps.FirstOrDefault(s => s.State == StepState.Failed);
        if (failed is not null) text += $"{Environment.NewLine}step '{failed.Name}' failed: {failed.Error}";
        if (record.Status is RunStatus.Failed or RunStatus.Cancelled or RunStatus.Interrupted)
            text += $"{Environment.NewLine}fix the cause, then `wf resume {record.Id}` continues without redoing finished steps";
        return text;
    }
}
