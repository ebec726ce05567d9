using System.Text;
using System.Text.Json;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Caching;

/// <summary>Keeps the last <see cref="StepSnapshot"/> of each step of a workflow in one append-only file,
/// <c>.wf/state/&lt;workflow&gt;.jsonl</c>: a computed step appends one line and the last line of a step wins.
/// Appending creates no file (a file per step cost a new inode per computed step, a large share of a short
/// step's time). A store reads each workflow's file once, however many steps it is asked about.</summary>
/// <remarks>Snapshots only explain plans, so every failure reads as "no previous run": a torn line (a
/// killed writer) is skipped, and a line another process appends at the same moment, or while this one
/// compacts the file, may be lost. Compaction rewrites the file (temp + rename) when it has doubled past <see cref="CompactFrom"/>
/// bytes and holds mostly superseded lines, so its size stays proportional to the workflow's steps.</remarks>
public sealed class StepSnapshotStore(ProjectLayout layout)
{
    /// <summary>The file size from which appends consider compacting (1 MiB).</summary>
    public const long CompactFrom = 1 << 20;

    // .NET appends at the end it saw when opening (no O_APPEND): steps committing at once in this process
    // take turns, so none overwrites another's line.
    private static readonly Lock Appending = new();
    private readonly Dictionary<string, Dictionary<string, StepSnapshot>> _read = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _legacy = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public StepSnapshot? Load(string workflow, string step)
    {
        lock (_gate)
        {
            if (!_read.TryGetValue(workflow, out var steps)) _read[workflow] = steps = Read(JournalOf(workflow));
            if (steps.TryGetValue(step, out var snapshot)) return snapshot;
            if (!_legacy.TryGetValue(workflow, out var legacy))
                _legacy[workflow] = legacy = Directory.Exists(Path.Combine(layout.StepStates, Safe(workflow)));
            if (!legacy) return null;
        }
        return Legacy(workflow, step);
    }

    /// <summary>Appends the snapshot as one line (one write; no fsync: a lost line costs a less detailed
    /// plan explanation, never a wrong decision).</summary>
    public void Save(string workflow, string step, StepSnapshot snapshot)
    {
        var path = JournalOf(workflow);
        var line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new SnapshotLine(step, snapshot), EngineJson.Compact) + "\n");
        Directory.CreateDirectory(layout.StepStates);
        lock (Appending)
        {
            long before, after;
            using (var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
            {
                before = stream.Position;
                stream.Write(line);
                after = stream.Position;
            }
            // Checked only when the size crosses a power of two, so compaction costs O(1) per appended byte.
            if (after >= CompactFrom && long.Log2(before) != long.Log2(after)) Compact(path);
        }
        lock (_gate) _read.Remove(workflow);
    }

    private static void Compact(string path)
    {
        var latest = Read(path);
        var lines = latest.Select(s => JsonSerializer.Serialize(new SnapshotLine(s.Key, s.Value), EngineJson.Compact) + "\n").ToList();
        if (lines.Sum(l => (long)Encoding.UTF8.GetByteCount(l)) * 2 > new FileInfo(path).Length) return; // mostly live lines
        AtomicFile.WriteAllText(path, string.Concat(lines), durable: false);
    }

    private static Dictionary<string, StepSnapshot> Read(string path)
    {
        var steps = new Dictionary<string, StepSnapshot>(StringComparer.Ordinal);
        if (SharedFile.ReadAllTextOrNull(path) is not { } text) return steps;
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0) continue;
            try
            {
                if (JsonSerializer.Deserialize<SnapshotLine>(line, EngineJson.Compact) is { Step: not null, Snapshot: not null } entry)
                    steps[entry.Step] = entry.Snapshot;
            }
            catch (JsonException)
            {
                // a torn line: the other lines stand
            }
        }
        return steps;
    }

    /// <summary>A snapshot file of its own per step, as earlier versions wrote them.</summary>
    private StepSnapshot? Legacy(string workflow, string step)
    {
        var path = Path.Combine(layout.StepStates, Safe(workflow), Safe(step) + ".json");
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

    private string JournalOf(string workflow) => Path.Combine(layout.StepStates, Safe(workflow) + ".jsonl");

    private static string Safe(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));

    private sealed record SnapshotLine(string Step, StepSnapshot Snapshot);
}
