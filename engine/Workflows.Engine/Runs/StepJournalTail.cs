using System.Text;

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
    private long _offset;

    /// <summary>Bytes of the journal read so far (tests and diagnostics).</summary>
    public long BytesRead { get; private set; }

    /// <summary>Reads the complete lines appended since the last call; true when there were any.</summary>
    public bool Update()
    {
        byte[] appended;
        try
        {
            using var stream = new FileStream(Path.Combine(runDirectory, StepJournal.File), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            // Shorter than what was read: the journal was folded into run.json and begun again.
            if (stream.Length < _offset) _offset = 0;
            if (stream.Length == _offset) return false;
            stream.Position = _offset;
            appended = new byte[stream.Length - _offset];
            stream.ReadExactly(appended);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            _offset = 0; // none yet, or folded into run.json: a new one starts from its first byte
            return false;
        }
        BytesRead += appended.Length;
        var complete = Array.LastIndexOf(appended, (byte)'\n') + 1; // a line still being written waits for the next look
        if (complete == 0) return false;
        _offset += complete;
        var any = false;
        foreach (var entry in StepJournal.Entries(Encoding.UTF8.GetString(appended, 0, complete)))
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
