namespace Workflows.Steps.Ingest;

/// <summary>Figures from one <see cref="IngestBenchmark"/> run.</summary>
/// <param name="Rows">Rows in the generated file (all kept).</param>
/// <param name="InputBytes">Size of the generated JSONL file.</param>
/// <param name="OutputBytes">Size of the written <c>data.parquet</c>.</param>
/// <param name="Seconds">Wall time of the ingest step alone (generation excluded).</param>
/// <param name="CpuSeconds">Processor time the process spent in the ingest, all threads: steadier than wall
/// time on a shared machine.</param>
/// <param name="PeakWorkingSetBytes">Peak resident memory of the process during the ingest (VmHWM,
/// reset after generation where the OS allows; otherwise the process-lifetime peak).</param>
/// <param name="PeakIsIngestOnly">True when the peak was reset before the ingest started.</param>
public sealed record IngestBenchmarkResult(long Rows, long InputBytes, long OutputBytes, double Seconds, double CpuSeconds,
    long PeakWorkingSetBytes, bool PeakIsIngestOnly)
{
    public double RowsPerSecond => Rows / Seconds;

    public double RowsPerCpuSecond => Rows / CpuSeconds;

    public double MegabytesPerSecond => InputBytes / 1e6 / Seconds;
}
