namespace Workflows.Engine.Runs;

/// <summary>Counts what a <see cref="RunRecordStore"/> writes, so a caller can see that recording a run
/// costs bytes in proportion to its steps, not to steps squared (full rewrites of <c>run.json</c>).</summary>
public sealed class RecordWrites
{
    private long _bytes;
    private int _fullRecords;
    private int _stepLines;

    /// <summary>Bytes written to <c>run.json</c> and <c>steps.jsonl</c>, all runs together.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>How many times a whole <c>run.json</c> was written.</summary>
    public int FullRecords => Volatile.Read(ref _fullRecords);

    /// <summary>How many step updates were appended to <c>steps.jsonl</c>.</summary>
    public int StepLines => Volatile.Read(ref _stepLines);

    internal void Full(int bytes)
    {
        Interlocked.Add(ref _bytes, bytes);
        Interlocked.Increment(ref _fullRecords);
    }

    internal void Line(int bytes)
    {
        Interlocked.Add(ref _bytes, bytes);
        Interlocked.Increment(ref _stepLines);
    }
}
