using System.CommandLine;
using System.Globalization;
using Workflows.Torch;
using Workflows.Torch.Adapters;
using Workflows.Torch.Benchmarks;

namespace Workflows.Cli.Commands;

/// <summary><c>wf bench merge</c>: time to combine two adapters per method and to fold the result into the base.</summary>
internal static class BenchMergeCommand
{
    public static Command Create()
    {
        var stories = new Option<string>("--stories260k") { Description = "stories260K model folder (default ../shared/models/stories260K)", DefaultValueFactory = _ => "../shared/models/stories260K" };
        var rank = new Option<int>("--rank") { Description = "Rank of the two random adapters (default 8)", DefaultValueFactory = _ => 8 };
        var threads = new Option<int>("--threads") { Description = "Torch intra-op threads (default 1: steadier on a shared machine)", DefaultValueFactory = _ => 1 };
        var repeats = new Option<int>("--repeats") { Description = "Repeat each measurement, keep the fastest (default 3)", DefaultValueFactory = _ => 3 };
        var command = new Command("merge", "Time adapter combination (linear, cat, svd, ties, dare) and merging into the base for stories260K and a stories15M-shaped Llama")
        {
            stories, rank, threads, repeats,
        };
        command.SetAction((ParseResult result, CancellationToken cancellationToken) =>
        {
            var storiesPath = result.GetValue(stories)!;
            if (!Directory.Exists(storiesPath))
            {
                Console.Error.WriteLine($"wf bench merge: {storiesPath}: stories260K folder not found; pass --stories260k <folder>");
                return Task.FromResult(1);
            }

            var threadsBefore = TorchSharp.torch.get_num_threads();
            try
            {
                TorchSharp.torch.set_num_threads(result.GetValue(threads));
                var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
                Console.Out.WriteLine($"machine: {Environment.ProcessorCount} cores, CPU, {result.GetValue(threads)} thread(s), 1-minute load average before the run {load}; two random rank-{result.GetValue(rank)} adapters on all 7 projections, weights 0.6/0.4, density 0.5");
                Console.Out.WriteLine();
                Console.Out.WriteLine("| model | method | layers | merged rank | combine (ms) | fold into base (ms) | total (ms) |");
                Console.Out.WriteLine("|---|---|---:|---:|---:|---:|---:|");
                MergeBenchmark.Run(storiesPath, result.GetValue(rank), result.GetValue(repeats), row => Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {row.Model} | {row.Method} | {row.Layers} | {row.Rank} | {row.CombineMilliseconds:F1} | {row.FoldMilliseconds:F1} | {row.TotalMilliseconds:F1} |")));
                return Task.FromResult(0);
            }
            catch (Exception e) when (e is ModelLoadException or AdapterConfigException or ArgumentException or InvalidOperationException)
            {
                Console.Error.WriteLine($"wf bench merge: {e.Message}");
                return Task.FromResult(1);
            }
            finally
            {
                TorchSharp.torch.set_num_threads(threadsBefore);
            }
        });
        return command;
    }
}
