using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Workflows.Torch.Benchmarks;
using Workflows.Torch.Devices;
using Workflows.Torch.Generation;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;
using static TorchSharp.torch;

namespace Workflows.Cli.Commands;

/// <summary><c>wf bench generate</c>: greedy generation items/s one prompt at a time vs in batches, on GSM8K questions
/// as evaluate asks them (long prompts, answers up to 64 tokens) or AdvBench requests as guard sends them (short
/// prompts in the main example's Alpaca template).</summary>
internal static class BenchGenerateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model folder (default ../shared/models/stories260K)", DefaultValueFactory = _ => "../shared/models/stories260K" };
        var data = new Option<string>("--data") { Description = "Shared data folder holding gsm8k/ and advbench/ (default ../shared/data)", DefaultValueFactory = _ => "../shared/data" };
        var task = new Option<string>("--task") { Description = "gsm8k (default: questions, \"Question: …\\nAnswer:\", stop at \"Question:\") | advbench (requests in the Alpaca template)", DefaultValueFactory = _ => "gsm8k" };
        var items = new Option<int>("--items") { Description = "Questions to answer, each way (default 500)", DefaultValueFactory = _ => 500 };
        var batchSize = new Option<int>("--batch-size") { Description = "Rows per batch (default 16)", DefaultValueFactory = _ => 16 };
        var maxNewTokens = new Option<int>("--max-new-tokens") { Description = "Most tokens per answer (default 64)", DefaultValueFactory = _ => 64 };
        var slices = new Option<int>("--slices") { Description = "Slices alternated between the two ways (default 5)", DefaultValueFactory = _ => 5 };
        var threads = new Option<int>("--threads") { Description = "Torch threads (default 1)", DefaultValueFactory = _ => 1 };
        var workers = new Option<int>("--workers") { Description = "CPU threads the batches run on side by side, each with its own batch (default 1; evaluate and guard use WF_CPU_WORKERS or up to 4)", DefaultValueFactory = _ => 1 };
        var command = new Command("generate", "Measure greedy generation items/s one prompt at a time vs left-padded batches (GSM8K prompts, as evaluate asks them)")
        {
            model, data, task, items, batchSize, maxNewTokens, slices, threads, workers,
        };
        command.SetAction((ParseResult result, CancellationToken ct) =>
        {
            var (modelPath, dataPath, taskName) = (result.GetValue(model)!, result.GetValue(data)!, result.GetValue(task)!);
            var file = Path.Combine(dataPath, taskName == "advbench" ? "advbench/harmful_behaviors.csv" : "gsm8k/test.jsonl");
            if (taskName is not ("gsm8k" or "advbench") || !Directory.Exists(modelPath) || !File.Exists(file))
            {
                Console.Error.WriteLine($"wf bench generate: --task gsm8k|advbench, got {taskName}; or {modelPath} or {file} not found; pass --model and --data");
                return Task.FromResult(1);
            }

            var prompts = taskName == "advbench"
                ? File.ReadLines(file).Skip(1).Where(l => l.Trim().Length > 0).Take(result.GetValue(items))
                    .Select(l => $"### Instruction:\n{FirstCsvField(l)}\n\n### Response:\n").ToList()
                : File.ReadLines(file).Where(l => l.Trim().Length > 0).Take(result.GetValue(items))
                    .Select(l => $"Question: {JsonDocument.Parse(l).RootElement.GetProperty("question").GetString()}\nAnswer:").ToList();
            set_num_threads(result.GetValue(threads));
            using var network = LlamaLoader.Load(modelPath);
            var tokenizer = TokenizerLoader.ForModel(modelPath, network.Config);
            var options = new GenerationOptions { MaxTokens = result.GetValue(maxNewTokens), StopStrings = taskName == "gsm8k" ? ["Question:"] : [] };
            var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
            Console.WriteLine($"task: {taskName}, {prompts.Count} prompts of {prompts.Min(p => tokenizer.Encode(p).Count)}–{prompts.Max(p => tokenizer.Encode(p).Count)} tokens, at most {options.MaxTokens} new tokens each");
            Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {(DeviceSelector.IsCudaAvailable ? "CUDA" : "no GPU")}, {get_num_threads()} torch thread(s), batches on {result.GetValue(workers)} worker thread(s), 1-minute load average before the run {load}");
            try
            {
                var r = GenerationBenchmark.Run(network, tokenizer, prompts, options, result.GetValue(batchSize), result.GetValue(slices), line => Console.WriteLine("  " + line), Math.Max(1, result.GetValue(workers)));
                var after = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
                Console.WriteLine($"1-minute load average after the run {after}");
                Console.WriteLine();
                Console.WriteLine("| way | items | generated tokens | seconds | items/s | CPU seconds | items per CPU second |");
                Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| one prompt at a time | {r.Items} | {r.GeneratedTokens} | {r.SingleSeconds:F1} | {r.SingleItemsPerSecond:F2} | {r.SingleCpuSeconds:F1} | {r.Items / r.SingleCpuSeconds:F2} |"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| batch {r.BatchSize} | {r.Items} | {r.GeneratedTokens} | {r.BatchedSeconds:F1} | {r.BatchedItemsPerSecond:F2} | {r.BatchedCpuSeconds:F1} | {r.Items / r.BatchedCpuSeconds:F2} |"));
                Console.WriteLine();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"speed-up {r.Speedup:F2}x wall clock, {r.CpuSpeedup:F2}x CPU time (target >= 5x); items whose token ids differ: {r.Mismatched} of {r.Items}"));
                return Task.FromResult(r.Mismatched == 0 ? 0 : 2);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"wf bench generate: {e.Message}");
                return Task.FromResult(1);
            }
        });
        return command;
    }

    // AdvBench's first column (the request; its header calls it "target"): quoted when it holds a comma.
    private static string FirstCsvField(string line)
    {
        if (!line.StartsWith('"')) return line.Split(',')[0];
        var end = 1;
        while ((end = line.IndexOf('"', end)) >= 0 && end + 1 < line.Length && line[end + 1] == '"') end += 2;
        return line[1..(end < 0 ? line.Length : end)].Replace("\"\"", "\"", StringComparison.Ordinal);
    }
}
