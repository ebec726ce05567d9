using System.CommandLine;
using Workflows.Cli.Bench;

namespace Workflows.Cli.Commands;

/// <summary><c>wf bench …</c>: the benchmarks whose figures go in BENCHMARKS.md.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Run a benchmark and print its figures");
        command.Add(Engine());
        command.Add(BenchIngestCommand.Create());
        command.Add(BenchModelCommand.Create());
        command.Add(BenchTrainCommand.Create());
        command.Add(BenchEvaluateCommand.Create());
        command.Add(BenchGenerateCommand.Create());
        command.Add(BenchMergeCommand.Create());
        return command;
    }

    private static Command Engine()
    {
        var steps = new Option<int>("--steps") { Description = "Steps in the generated workflow", DefaultValueFactory = _ => 1000 };
        var repetitions = new Option<int>("--repetitions") { Description = "Timed repetitions after warm-up", DefaultValueFactory = _ => 10 };
        var command = new Command("engine", "validate + plan + cache check of a generated workflow") { steps, repetitions };
        command.SetAction(async (result, _) =>
        {
            var figures = await EngineBenchmark.RunAsync(result.GetValue(steps), result.GetValue(repetitions), Console.Out);
            Console.WriteLine($"engine: {figures.Steps} steps — {figures.ColdMs:0.0} ms validate + plan (no previous run), {figures.CachedMs:0.0} ms validate + plan all cached (target < 100 ms); " +
                $"first run {figures.FirstRunSeconds:0.00} s, {figures.FirstRunCpuSeconds:0.00} s CPU (target ≤ 3 s)");
            return 0;
        });
        return command;
    }
}
