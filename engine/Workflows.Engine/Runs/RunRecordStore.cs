using System.Text;
using System.Text.Json;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Runs;

/// <summary>Reads and writes run records. A whole record replaces <c>run.json</c> atomically (at a run's
/// start and end); while it runs, step updates are appended to <c>steps.jsonl</c> (see <see cref="StepJournal"/>)
/// and every read folds them in, so a killed process leaves a record with each step's last update, which
/// <c>wf resume</c> continues from. The process running a run holds <c>run.lock</c> beside it; a record
/// saying "running" whose lock is free was interrupted.</summary>
/// <param name="layout">The project whose <c>.wf/runs</c> holds the records.</param>
/// <param name="writes">Counts what is written, when given (tests and benchmarks).</param>
public sealed class RunRecordStore(ProjectLayout layout, RecordWrites? writes = null)
{
    private readonly Lock _gate = new();

    public const string WorkflowSnapshotFile = "workflow.yaml";
    public const string RecordFile = "run.json";

    public string DirectoryOf(string runId) => Path.Combine(layout.Runs, runId);

    /// <summary>The OS lock the process running <paramref name="runId"/> holds until it ends.</summary>
    public string LockPathOf(string runId) => Path.Combine(DirectoryOf(runId), "run.lock");

    /// <summary>True while a process is running <paramref name="runId"/> (it holds the run lock).</summary>
    public bool IsAlive(string runId) => FileLock.IsHeld(LockPathOf(runId));

    /// <summary>Who holds the run lock, for messages.</summary>
    public LockOwner? Owner(string runId) => FileLock.Owner(LockPathOf(runId));

    public static string NewId() => $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>Writes the whole record (folding in and dropping the step updates appended so far).</summary>
    public void Save(RunRecord record)
    {
        lock (_gate)
        {
            var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(record, EngineJson.Options));
            AtomicFile.WriteAllBytes(Path.Combine(DirectoryOf(record.Id), RecordFile), bytes);
            StepJournal.Drop(DirectoryOf(record.Id));
            writes?.Full(bytes.Length);
        }
    }

    /// <summary>Records the current state of one step of a run whose whole record was saved before:
    /// one appended line, however many steps the run has.</summary>
    public void SaveStep(RunRecord record, StepRecord step)
    {
        lock (_gate)
        {
            var bytes = StepJournal.Append(DirectoryOf(record.Id), record.Attempts, step);
            writes?.Line(bytes);
        }
    }

    /// <summary>Keeps the exact workflow text a run used, so resume is faithful even after edits.</summary>
    public void SaveWorkflowSnapshot(string runId, string text) =>
        AtomicFile.WriteAllText(Path.Combine(DirectoryOf(runId), WorkflowSnapshotFile), text);

    /// <summary>The workflow text <paramref name="runId"/> started with; null when it kept none (its file is read instead).</summary>
    public string? ReadWorkflowSnapshot(string runId)
    {
        var path = Path.Combine(DirectoryOf(runId), WorkflowSnapshotFile);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }

    /// <summary>The record of <paramref name="runId"/>, null when there is none.</summary>
    /// <exception cref="JsonException">The record exists but cannot be read (see <see cref="Lookup"/>).</exception>
    public RunRecord? Load(string runId)
    {
        var path = Path.Combine(DirectoryOf(runId), RecordFile);
        var journal = StepJournal.Read(DirectoryOf(runId));
        if (!File.Exists(path)) return null;
        var record = JsonSerializer.Deserialize<RunRecord>(File.ReadAllText(path), EngineJson.Options)
            ?? throw new JsonException("the file holds no record (null)");
        StepJournal.Apply(journal, record);
        if (record.Status == RunStatus.Running && !IsAlive(runId)) record.Status = RunStatus.Interrupted;
        return record;
    }

    /// <summary>All readable runs, newest first (see <see cref="Corrupt"/> for the others).</summary>
    public IReadOnlyList<RunRecord> List() =>
        Entries().Where(e => e.Record is not null).Select(e => e.Record!).OrderByDescending(r => r.Started).ToList();

    /// <summary>Runs whose <c>run.json</c> cannot be read: id and what is wrong, worded for the user.</summary>
    public IReadOnlyList<(string Id, string Problem)> Corrupt() =>
        Entries().Where(e => e.Problem is not null).Select(e => (e.Id, e.Problem!)).OrderBy(e => e.Id, StringComparer.Ordinal).ToList();

    /// <summary>Finds a run by full id or unique prefix; "latest" names the newest.</summary>
    public RunRecord? Find(string idOrPrefix) => Lookup(idOrPrefix).Record;

    /// <summary>Like <see cref="Find"/>, but says why nothing was found: no such run, an ambiguous prefix,
    /// or a record that exists and is corrupt (named with its path and what to do).</summary>
    public RunLookup Lookup(string idOrPrefix)
    {
        var entries = Entries();
        if (idOrPrefix == "latest")
        {
            var latest = entries.Where(e => e.Record is not null).MaxBy(e => e.Record!.Started);
            return latest is not null ? new RunLookup(latest.Record, null) : new RunLookup(null, $"no runs yet under {layout.Runs}");
        }
        var matches = entries.Where(e => e.Id == idOrPrefix).ToList();
        if (matches.Count == 0) matches = entries.Where(e => e.Id.StartsWith(idOrPrefix, StringComparison.Ordinal)).ToList();
        return matches.Count switch
        {
            0 => new RunLookup(null, $"no run '{idOrPrefix}' under {layout.Runs}; `wf runs` lists them (run wf from the project root)"),
            1 => new RunLookup(matches[0].Record, matches[0].Problem),
            _ => new RunLookup(null, $"'{idOrPrefix}' matches {matches.Count} runs ({string.Join(", ", matches.Take(5).Select(m => m.Id))}); give more of the id"),
        };
    }

    private List<Entry> Entries()
    {
        if (!Directory.Exists(layout.Runs)) return [];
        var entries = new List<Entry>();
        foreach (var id in Directory.EnumerateDirectories(layout.Runs).Select(d => Path.GetFileName(d)!))
        {
            try
            {
                if (Load(id) is { } record) entries.Add(new Entry(id, record, null));
            }
            catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
            {
                var path = Path.Combine(DirectoryOf(id), RecordFile);
                entries.Add(new Entry(id, null,
                    $"the record of run {id} is corrupt: {path} ({e.Message.Split('\n')[0].TrimEnd()}); it cannot be shown or resumed. " +
                    $"Finished steps are still cached, so `wf run <workflow>` redoes only what is missing; move {DirectoryOf(id)} away to stop seeing this"));
            }
        }
        return entries;
    }

    private sealed record Entry(string Id, RunRecord? Record, string? Problem);
}
