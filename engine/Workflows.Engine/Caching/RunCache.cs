using System.Text;
using System.Text.Json;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Caching;

/// <summary>Fingerprint → outputs: one line per entry in the append-only journal <c>.wf/cache/entries.jsonl</c>,
/// the latest line of a fingerprint winning. An entry counts only while every artifact it names is still
/// in the store.</summary>
/// <remarks>One journal, not a file per fingerprint: a new file is a new inode for every computed step (on a
/// busy ext4 disk, a large share of a short step's time) and planning a large workflow opened one file per
/// step; now a plan reads one file once, and a step appends one line. Entries written by earlier versions,
/// one <c>.wf/cache/&lt;fingerprint&gt;.json</c> each, are still read. Every failure reads as a miss, never as
/// a wrong hit: a line torn by a killed writer, or left unreadable by a power loss, is skipped, and its
/// step runs again and writes the same bytes.</remarks>
public sealed class RunCache(ProjectLayout layout, ArtifactStore store)
{
    /// <summary>The journal's file name under <c>.wf/cache/</c>.</summary>
    public const string JournalFile = "entries.jsonl";

    private readonly Dictionary<string, CacheEntry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private AppendedLines _journal = new(Path.Combine(layout.Cache, JournalFile)); // what is not yet folded into _entries

    public string JournalPath => Path.Combine(layout.Cache, JournalFile);

    public CacheEntry? Lookup(string fingerprint)
    {
        lock (_gate)
        {
            if (Usable(_entries.GetValueOrDefault(fingerprint)) is { } hit) return hit;
            Refresh(); // what other processes (and other steps) appended since the last read
            return Usable(_entries.GetValueOrDefault(fingerprint)) ?? Usable(Legacy(fingerprint));
        }
    }

    /// <summary>Appends the entry as one line. No fsync: a power loss can at worst lose or tear the line,
    /// which <see cref="Lookup"/> treats as a miss. Appends are serialised across processes by a lock file
    /// (.NET appends at the end it saw when opening, not with <c>O_APPEND</c>, so two unserialised writers
    /// could overwrite each other's line).</summary>
    public void Save(CacheEntry entry)
    {
        var line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(entry, EngineJson.Compact) + "\n");
        Directory.CreateDirectory(layout.Cache);
        using (CacheAppendLock.Take(layout))
        using (var stream = new FileStream(JournalPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete))
        {
            if (stream.Length > 0)
            {
                // A writer killed mid-line left a torn last line: end it, so this entry starts a line of its own.
                stream.Seek(-1, SeekOrigin.End);
                if (stream.ReadByte() != '\n') stream.WriteByte((byte)'\n');
            }
            stream.Write(line);
        }
        lock (_gate) _entries[entry.Fingerprint] = entry;
    }

    /// <summary>Every entry, the latest per fingerprint, journal and older per-fingerprint files together
    /// (for <c>wf gc</c>: what the cache still names).</summary>
    public IReadOnlyList<CacheEntry> All()
    {
        lock (_gate)
        {
            Refresh();
            var legacy = Directory.Exists(layout.Cache)
                ? Directory.EnumerateFiles(layout.Cache, "*.json").Select(f => ReadLegacy(f)).OfType<CacheEntry>().Where(e => !_entries.ContainsKey(e.Fingerprint))
                : [];
            return _entries.Values.Concat(legacy).ToList();
        }
    }

    /// <summary>Rewrites the journal with one line per fingerprint whose artifacts are all still stored (for
    /// <c>wf gc</c>, which holds the store lock exclusively, so no run appends meanwhile; the append lock is
    /// taken anyway). Durable temp + rename: a kill or power loss leaves the old journal or the new one.</summary>
    public void Compact()
    {
        using (CacheAppendLock.Take(layout))
        lock (_gate)
        {
            Forget();
            Refresh();
            if (!File.Exists(JournalPath)) return;
            var live = _entries.Values.Where(e => e.Outputs.Values.All(store.Contains)).OrderBy(e => e.Fingerprint, StringComparer.Ordinal);
            AtomicFile.WriteAllText(JournalPath, string.Concat(live.Select(e => JsonSerializer.Serialize(e, EngineJson.Compact) + "\n")));
            Forget();
        }
    }

    private CacheEntry? Usable(CacheEntry? entry) => entry is not null && entry.Outputs.Values.All(store.Contains) ? entry : null;

    private void Refresh()
    {
        var lines = _journal.Read(out var restarted).Span;
        if (restarted) _entries.Clear(); // rewritten shorter (compacted by wf gc): read whole again
        foreach (var line in lines.Split((byte)'\n'))
            if (Parse(lines[line]) is { } entry) _entries[entry.Fingerprint] = entry;
    }

    // Drops what was read, so the next Refresh reads the journal from its first byte.
    private void Forget()
    {
        _entries.Clear();
        _journal = new AppendedLines(JournalPath);
    }

    private static CacheEntry? Parse(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty) return null;
        try
        {
            return JsonSerializer.Deserialize<CacheEntry>(line, EngineJson.Compact) is { Fingerprint: not null, Outputs: not null, RunId: not null } entry ? entry : null;
        }
        catch (JsonException)
        {
            return null; // a torn or damaged line: a miss, never a failure
        }
    }

    private CacheEntry? Legacy(string fingerprint) => ReadLegacy(Path.Combine(layout.Cache, fingerprint + ".json"));

    private static CacheEntry? ReadLegacy(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<CacheEntry>(File.ReadAllText(path), EngineJson.Options) : null;
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return null;
        }
    }
}
