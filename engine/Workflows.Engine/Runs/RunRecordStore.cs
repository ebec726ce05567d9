using System.Text.Json;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Runs;

/// <summary>Reads and writes run records; each write replaces <c>run.json</c> atomically, so a killed
/// process leaves the last complete record, which <c>wf resume</c> continues from.</summary>
public sealed class RunRecordStore(ProjectLayout layout)
{
    private readonly Lock _gate = new();

    public const string WorkflowSnapshotFile = "workflow.yaml";

    public string DirectoryOf(string runId) => Path.Combine(layout.Runs, runId);

    public static string NewId() => $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";

    public void Save(RunRecord record)
    {
        lock (_gate)
        {
            AtomicFile.WriteAllText(Path.Combine(DirectoryOf(record.Id), "run.json"), JsonSerializer.Serialize(record, EngineJson.Options));
        }
    }

    /// <summary>Keeps the exact workflow text a run used, so resume is faithful even after edits.</summary>
    public void SaveWorkflowSnapshot(string runId, string text) =>
        AtomicFile.WriteAllText(Path.Combine(DirectoryOf(runId), WorkflowSnapshotFile), text);

    public RunRecord? Load(string runId)
    {
        var path = Path.Combine(DirectoryOf(runId), "run.json");
        return File.Exists(path) ? JsonSerializer.Deserialize<RunRecord>(File.ReadAllText(path), EngineJson.Options) : null;
    }

    /// <summary>All runs, newest first. Unreadable records are skipped.</summary>
    public IReadOnlyList<RunRecord> List()
    {
        if (!Directory.Exists(layout.Runs)) return [];
        return Directory.EnumerateDirectories(layout.Runs)
            .Select(d => Path.GetFileName(d))
            .Select(id => { try { return Load(id); } catch (JsonException) { return null; } })
            .OfType<RunRecord>()
            .OrderByDescending(r => r.Started)
            .ToList();
    }

    /// <summary>Finds a run by full id or unique prefix; "latest" names the newest.</summary>
    public RunRecord? Find(string idOrPrefix)
    {
        var runs = List();
        if (idOrPrefix == "latest") return runs.FirstOrDefault();
        var matches = runs.Where(r => r.Id.StartsWith(idOrPrefix, StringComparison.Ordinal)).ToList();
        return matches.Count == 1 ? matches[0] : runs.FirstOrDefault(r => r.Id == idOrPrefix);
    }
}
