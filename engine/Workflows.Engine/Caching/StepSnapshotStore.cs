using System.Text.Json;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Caching;

/// <summary>Keeps one <see cref="StepSnapshot"/> per (workflow, step) under <c>.wf/state/</c>.</summary>
public sealed class StepSnapshotStore(ProjectLayout layout)
{
    public StepSnapshot? Load(string workflow, string step)
    {
        var path = PathOf(workflow, step);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<StepSnapshot>(File.ReadAllText(path), EngineJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Replaces the snapshot atomically (temp + rename), without an fsync: a killed process leaves
    /// the old snapshot or the new one, and a power loss can at worst leave it missing or unreadable, which
    /// <see cref="Load"/> reads as "no earlier run" — the planner then explains less, and decides the same.</summary>
    public void Save(string workflow, string step, StepSnapshot snapshot) =>
        AtomicFile.WriteAllText(PathOf(workflow, step), JsonSerializer.Serialize(snapshot, EngineJson.Options), durable: false);

    private string PathOf(string workflow, string step) => Path.Combine(layout.StepStates, Safe(workflow), Safe(step) + ".json");

    private static string Safe(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
}
