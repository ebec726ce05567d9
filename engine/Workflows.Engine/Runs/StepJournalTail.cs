using System.Text;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Runs;

/// <summary>The latest line of each step in a run's <c>steps.jsonl</c>, kept current by reading only
/// what was appended since the last look: a process that follows a run while other processes (Slurm
/// jobs) append to it reads each line once, however long it follows. Lines of every attempt count: a job
/// of an earlier attempt that a resumed run follows again records itself under its own attempt's number.</summary>
/// <param name="runDirectory">The run's folder.</param>
/// <param name="attempt">The attempt that follows the run (see <see cref="OfAttempt"/>).</param>
internal sealed class StepJournalTail(string runDirectory, int attempt)
{
    private readonly Dictionary<string, StepRecord> _latest = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StepRecord> _ofAttempt = new(StringComparer.Ordinal);
    private readonly AppendedLines _lines = new(Path.Combine(runDirectory, StepJournal.File));

    /// <summary>Bytes of the journal read so far (tests and diagnostics).</summary>
    public long BytesRead => _lines.BytesRead;

    /// <summary>Reads the complete lines appended since the last call; true when there were any. A journal
    /// folded into run.json and begun again (shorter, or gone) is read from its first byte; the lines read
    /// before stand.</summary>
    public bool Update()
    {
        var any = false;
        foreach (var entry in StepJournal.Entries(Encoding.UTF8.GetString(_lines.Read(out _).Span)))
        {
            _latest[entry.Step.Name] = entry.Step;
            if (entry.Attempt == attempt) _ofAttempt[entry.Step.Name] = entry.Step;
            any = true;
        }
        return any;
    }

    /// <summary>The step's latest line, whatever attempt wrote it; null when it has none.</summary>
    public StepRecord? Latest(string step) => _latest.GetValueOrDefault(step);

    /// <summary>The step's latest line written by the following attempt, as the record's reader applies it; null when it has none.</summary>
    public StepRecord? OfAttempt(string step) => _ofAttempt.GetValueOrDefault(step);
}
