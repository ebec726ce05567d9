using System.CommandLine;
using Workflows.Steps.Ingest;

namespace Workflows.Cli.Commands;

/// <summary><c>wf bench ingest</c>: ingest throughput and peak memory on a generated JSONL file.</summary>
internal static class BenchIngestCommand
{
    public static Command Create()
    {
        var rows = new Option<int>("--rows") { Description = "Rows to generate", DefaultValueFactory = _ => 1_000_000 };
        var workDir = new Option<string>("--work-dir")
        {
            Description = "Folder for the generated file and the output (kept afterwards)",
            DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "wf-bench-ingest"),
        };
        var command = new Command("ingest", "Measure ingest rows/s and peak memory on a generated alpaca-style JSONL file");
        command.Options.Add(rows);
        command.Options.Add(workDir);
        command.SetAction(async (ParseResult result, CancellationToken ct) =>
        {
            var figures = await IngestBenchmark.RunAsync(result.GetValue(rows), result.GetValue(workDir)!, ct);
            Console.WriteLine($"rows            {figures.Rows:N0}");
            Console.WriteLine($"input           {figures.InputBytes / 1e6:N1} MB JSONL -> {figures.OutputBytes / 1e6:N1} MB Parquet");
            Console.WriteLine($"time            {figures.Seconds:N2} s wall, {figures.CpuSeconds:N2} s CPU");
            Console.WriteLine($"throughput      {figures.RowsPerSecond:N0} rows/s ({figures.MegabytesPerSecond:N1} MB/s), {figures.RowsPerCpuSecond:N0} rows per CPU-second");
            Console.WriteLine($"peak memory     {figures.PeakWorkingSetBytes / 1048576.0:N0} MiB{(figures.PeakIsIngestOnly ? "" : " (process lifetime)")}");
            return 0;
        });
        return command;
    }
}
