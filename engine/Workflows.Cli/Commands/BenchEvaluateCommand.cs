using System.CommandLine;
using System.Globalization;
using Workflows.Steps.Evaluate;
using Workflows.Torch.Devices;

namespace Workflows.Cli.Commands;

/// <summary><c>wf bench evaluate</c>: evaluation examples/s for log-likelihood (SST-2 two-choice) and generation (GSM8K).</summary>
internal static class BenchEvaluateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model folder (default ../shared/models/stories260K)", DefaultValueFactory = _ => "../shared/models/stories260K" };
        var data = new Option<string>("--data") { Description = "Shared data folder holding sst2/ and gsm8k/ (default ../shared/data)", DefaultValueFactory = _ => "../shared/data" };
        var choiceItems = new Option<int>("--choice-items") { Description = "SST-2 sentences to score (default 500)", DefaultValueFactory = _ => 500 };
        var generationItems = new Option<int>("--generation-items") { Description = "GSM8K questions to answer (default 50)", DefaultValueFactory = _ => 50 };
        var maxNewTokens = new Option<int>("--max-new-tokens") { Description = "Most tokens per GSM8K answer (default 64)", DefaultValueFactory = _ => 64 };
        var batchSize = new Option<int>("--batch-size") { Description = "Both tasks' batch_size (default 16; 1 = one item at a time, as before batching)", DefaultValueFactory = _ => 16 };
        var command = new Command("evaluate", "Measure evaluate throughput: SST-2 two-choice log-likelihood and GSM8K generation items/s")
        {
            model, data, choiceItems, generationItems, maxNewTokens, batchSize,
        };
        command.SetAction(async (ParseResult result, CancellationToken ct) =>
        {
            var modelPath = Path.GetFullPath(result.GetValue(model)!);
            var dataPath = Path.GetFullPath(result.GetValue(data)!);
            if (!Directory.Exists(modelPath) || !Directory.Exists(dataPath))
            {
                Console.Error.WriteLine($"wf bench evaluate: {modelPath} or {dataPath} not found; pass --model and --data");
                return 1;
            }
            var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
            Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {(DeviceSelector.IsCudaAvailable ? "CUDA" : "no GPU")}, 1-minute load average before the run {load}");
            var work = Path.Combine(Path.GetTempPath(), "wf-bench-evaluate");
            var figures = await EvaluateBenchmark.RunAsync(modelPath, dataPath, result.GetValue(choiceItems), result.GetValue(generationItems),
                result.GetValue(maxNewTokens), work, ct, result.GetValue(batchSize));
            Console.WriteLine($"batch_size {result.GetValue(batchSize)}");
            Console.WriteLine();
            Console.WriteLine("| task | items | seconds | items/s |");
            Console.WriteLine("|---|---:|---:|---:|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| SST-2 two-choice log-likelihood | {figures.ChoiceItems} | {figures.ChoiceSeconds:F2} | {figures.ChoiceItemsPerSecond:F1} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| GSM8K generation (≤ {result.GetValue(maxNewTokens)} tokens) | {figures.GenerationItems} | {figures.GenerationSeconds:F2} | {figures.GenerationItemsPerSecond:F2} |"));
            return 0;
        });
        return command;
    }
}
