using System.Text.Json;
using Workflows.Engine.Runs;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Execution.Slurm;

/// <summary>The latest line of each step in a run's <c>steps.jsonl</c>, whatever attempt wrote it. A
/// job of an earlier attempt that a resumed run follows again records itself under its own attempt's
/// number, which the record's reader rightly skips; the steps downstream of it still need its result.</summary>
internal static class JournalScan
{
    public static Dictionary<string, StepRecord> LatestByStep(string runDirectory)
    {
        var latest = new Dictionary<string, StepRecord>(StringComparer.Ordinal);
        foreach (var line in (StepJournal.Read(runDirectory) ?? "").Split('\n').Where(l => l.Length > 0))
        {
            try
            {
                if (JsonSerializer.Deserialize<StepLine>(line, EngineJson.Compact) is { } entry) latest[entry.Step.Name] = entry.Step;
            }
            catch (JsonException)
            {
                // a torn last line: the ones before it stand
            }
        }
        return latest;
    }
}
