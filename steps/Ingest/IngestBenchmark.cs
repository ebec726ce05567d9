using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Workflows.Steps.Datasets;

namespace Workflows.Steps.Ingest;

/// <summary>Measures ingest throughput and peak memory on a generated alpaca-style JSONL file
/// (<c>wf bench ingest</c>; figures recorded in BENCHMARKS.md).</summary>
public static class IngestBenchmark
{
    private static readonly string[] Words =
        ("the a model data train answer question write explain why how small large story list code python " +
         "number sum river cat dog house light fast slow first second after before because result value").Split(' ');

    /// <summary>Writes <paramref name="rows"/> rows to <c>bench.jsonl</c> under <paramref name="workDirectory"/>,
    /// then ingests it and reports the figures. The folder is left for inspection.</summary>
    public static async Task<IngestBenchmarkResult> RunAsync(int rows, string workDirectory, CancellationToken ct = default)
    {
        Directory.CreateDirectory(workDirectory);
        var input = Path.Combine(workDirectory, "bench.jsonl");
        await GenerateAsync(input, rows, ct);
        var context = new BenchmarkStepContext(workDirectory);

        GC.Collect();
        var resetPeak = ResetPeakMemory();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var result = await new IngestStep().RunAsync(new IngestOptions { Path = input }, context, ct);
        clock.Stop();
        if (!result.Success) throw new InvalidOperationException($"benchmark ingest failed: {result.Error}");

        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        return new IngestBenchmarkResult((long)result.Metrics["rows_kept"], new FileInfo(input).Length,
            new FileInfo(DatasetFile.PathOf(context.Output)).Length, clock.Elapsed.TotalSeconds, cpu, process.PeakWorkingSet64, resetPeak);
    }

    /// <summary>Deterministic rows of 5–40 word instructions and answers, ~250 bytes each.</summary>
    private static async Task GenerateAsync(string path, int rows, CancellationToken ct)
    {
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        var random = new StableRandom(1);
        var line = new StringBuilder();
        for (var i = 0; i < rows; i++)
        {
            ct.ThrowIfCancellationRequested();
            line.Clear().Append("{\"instruction\":").Append(JsonSerializer.Serialize(Sentence(random, 5, 15) + $" #{i}"))
                .Append(",\"input\":\"\",\"output\":").Append(JsonSerializer.Serialize(Sentence(random, 10, 40))).Append('}');
            await writer.WriteLineAsync(line);
        }
    }

    private static string Sentence(StableRandom random, int min, int max) =>
        string.Join(' ', Enumerable.Range(0, min + random.Next(max - min)).Select(_ => Words[random.Next(Words.Length)]));

    /// <summary>Linux resets the peak resident size (VmHWM) when "5" is written to clear_refs.</summary>
    private static bool ResetPeakMemory()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
