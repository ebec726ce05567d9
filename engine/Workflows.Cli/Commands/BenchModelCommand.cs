using System.CommandLine;
using System.Globalization;
using Workflows.Torch;
using Workflows.Torch.Benchmarks;
using Workflows.Torch.Devices;

namespace Workflows.Cli.Commands;

/// <summary><c>wf bench model</c>: model runtime throughput and memory, printed as a Markdown table.</summary>
internal static class BenchModelCommand
{
    public static Command Create()
    {
        var stories = new Option<string>("--stories260k") { Description = "stories260K model folder (default ../shared/models/stories260K)", DefaultValueFactory = _ => "../shared/models/stories260K" };
        var threads = new Option<int[]>("--threads") { Description = "Torch thread counts to measure (default 1 2)", DefaultValueFactory = _ => [1, 2], AllowMultipleArgumentsPerToken = true };
        var forwardTokens = new Option<int>("--forward-tokens") { Description = "Tokens per forward pass (default 256)", DefaultValueFactory = _ => 256 };
        var iterations = new Option<int>("--iterations") { Description = "Timed forward passes (default 5)", DefaultValueFactory = _ => 5 };
        var repeats = new Option<int>("--repeats") { Description = "Repeat each measurement, keep the fastest (default 3)", DefaultValueFactory = _ => 3 };
        var generated = new Option<int>("--generate-tokens") { Description = "Tokens decoded with the KV cache (default 128)", DefaultValueFactory = _ => 128 };
        var command = new Command("model", "Measure forward and generation speed and peak memory of stories260K and a stories15M-shaped Llama")
        {
            stories, threads, forwardTokens, iterations, generated, repeats,
        };
        command.SetAction((ParseResult result, CancellationToken cancellationToken) =>
        {
            var storiesPath = result.GetValue(stories)!;
            if (!Directory.Exists(storiesPath))
            {
                Console.Error.WriteLine($"wf bench model: {storiesPath}: stories260K folder not found; pass --stories260k <folder>");
                return Task.FromResult(1);
            }

            var options = new ModelBenchmarkOptions
            {
                Stories260KPath = storiesPath,
                Threads = result.GetValue(threads)!,
                ForwardTokens = result.GetValue(forwardTokens),
                ForwardIterations = result.GetValue(iterations),
                GeneratedTokens = result.GetValue(generated),
                Repeats = result.GetValue(repeats),
            };
            try
            {
                // Throughput on a shared machine depends on what else runs; the load average says how busy it was.
                var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
                Console.Out.WriteLine($"machine: {Environment.ProcessorCount} cores, {(DeviceSelector.IsCudaAvailable ? "CUDA" : "no GPU")}, 1-minute load average before the run {load}");
                Console.Out.WriteLine();
                Console.Out.WriteLine("| model | threads | parameters | forward tokens/s | generation tokens/s | peak working set (MiB) | managed heap (MiB) |");
                Console.Out.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
                ModelBenchmark.Run(options, row => Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {row.Model} | {row.Threads} | {row.Parameters:N0} | {row.ForwardTokensPerSecond:F0} | {row.GenerationTokensPerSecond:F0} | {row.PeakWorkingSetBytes / 1048576.0:F0} | {row.ManagedHeapBytes / 1048576.0:F1} |")));
                return Task.FromResult(0);
            }
            catch (Exception e) when (e is ModelLoadException or ArgumentException or IOException or InvalidOperationException)
            {
                Console.Error.WriteLine($"wf bench model: {e.Message}");
                return Task.FromResult(1);
            }
        });
        return command;
    }
}
