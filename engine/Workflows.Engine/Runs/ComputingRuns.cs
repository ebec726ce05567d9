using System.Text.Json;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Runs;

/// <summary>Names the run computing a step fingerprint, for the message of a run that waits at that step's
/// lock. Step locks carry no owner note (it was one more file to create and delete per step): the holder is
/// the live run whose record shows a step running with that fingerprint. Only a waiting run asks, once.</summary>
internal static class ComputingRuns
{
    /// <summary>The holder of <paramref name="fingerprint"/>'s lock as "run … step '…'" with the run's process,
    /// or null when no live run shows it running yet (it may still be checking its inputs).</summary>
    public static LockOwner? Find(ProjectLayout layout, RunRecordStore records, string fingerprint)
    {
        if (!Directory.Exists(layout.Runs)) return null;
        // Run ids start with their UTC start time, so the newest (the likeliest holders) come first.
        foreach (var id in Directory.EnumerateDirectories(layout.Runs).Select(d => Path.GetFileName(d)!).OrderDescending(StringComparer.Ordinal))
        {
            if (!records.IsAlive(id)) continue;
            RunRecord? record;
            try
            {
                record = records.Load(id);
            }
            catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or IOException)
            {
                continue;
            }
            var step = record?.Steps.FirstOrDefault(s => s.Fingerprint == fingerprint && s.State == StepState.Running);
            if (step is null || records.Owner(id) is not { } process) continue;
            return process with { Holder = $"run {id} step '{step.Name}'", Acquired = step.Started ?? process.Acquired };
        }
        return null;
    }
}
