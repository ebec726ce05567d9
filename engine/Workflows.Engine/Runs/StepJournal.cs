using System.Text;
using System.Text.Json;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Runs;

/// <summary><c>steps.jsonl</c> beside <c>run.json</c>: each step update of a run in progress is appended as
/// one line (one write, flushed to disk), instead of rewriting the whole record, so recording a run of
/// N steps costs O(N) bytes, not O(N²). Readers fold the lines into the record; the run folds them into
/// <c>run.json</c> whenever it writes the whole record (at its start and end) and then drops the file.</summary>
internal static class StepJournal
{
    public const string File = "steps.jsonl";

    /// <summary>Appends <paramref name="step"/> as it is now; returns the bytes written.</summary>
    public static int Append(string runDirectory, int attempt, StepRecord step)
    {
        var line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new StepLine(attempt, step), EngineJson.Compact) + "\n");
        // One write on an append-only file: a killed process leaves every line it wrote (they are in the
        // kernel's cache) and at most a torn last one, which readers leave out. No fsync per line: a power loss
        // can only lose the latest updates, so the record reads as of an earlier moment and `wf resume`
        // redoes (or finds cached) what it no longer shows; the whole record at the run's end is durable.
        using var stream = new FileStream(Path.Combine(runDirectory, File), FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        stream.Write(line);
        return line.Length;
    }

    /// <summary>The journal's text, null when there is none (not yet, or already folded into <c>run.json</c>).
    /// Read it before <c>run.json</c>: a run that finishes in between has folded these very lines in.</summary>
    public static string? Read(string runDirectory) => SharedFile.ReadAllTextOrNull(Path.Combine(runDirectory, File));

    /// <summary>Replaces the steps of <paramref name="record"/> with their latest lines written by the
    /// same attempt (a line from an earlier attempt is older than the record that superseded it).</summary>
    public static void Apply(string? text, RunRecord record)
    {
        foreach (var entry in Entries(text).Where(e => e.Attempt == record.Attempts))
        {
            var index = record.Steps.FindIndex(s => s.Name == entry.Step.Name);
            if (index >= 0) record.Steps[index] = entry.Step;
        }
    }

    /// <summary>The entries of <paramref name="text"/>'s complete lines, in order. What follows the last
    /// <c>'\n'</c> is a line still being written, or torn, and is left out. A complete line that does not
    /// parse (a writer stopped mid-write, then another appended) is skipped: the lines around it stand.</summary>
    public static IEnumerable<StepLine> Entries(string? text)
    {
        if (text is null) yield break;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length - 1; i++)
        {
            if (lines[i].Length == 0) continue;
            StepLine? entry;
            try
            {
                entry = JsonSerializer.Deserialize<StepLine>(lines[i], EngineJson.Compact);
            }
            catch (JsonException)
            {
                continue;
            }
            if (entry is not null) yield return entry;
        }
    }

    public static void Drop(string runDirectory) => System.IO.File.Delete(Path.Combine(runDirectory, File));
}
