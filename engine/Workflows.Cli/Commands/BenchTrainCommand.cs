using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Workflows.Steps.Train;
using Workflows.Torch.Engine;

namespace Workflows.Cli.Commands;

/// <summary><c>wf bench train</c>: training tokens/s and peak memory of full fine-tuning, LoRA, QLoRA,
/// DoRA and DPO (LoRA, reference = adapter off) on a random stories15M-shaped Llama, printed as a Markdown table. Each configuration runs in
/// its own child process, so each peak working set is that configuration's alone.</summary>
internal static class BenchTrainCommand
{
    public static Command Create()
    {
        var methods = new Option<string[]>("--methods") { Description = "Methods to measure (default full lora qlora dora dpo)", DefaultValueFactory = _ => [.. TrainingBenchmark.Methods], AllowMultipleArgumentsPerToken = true };
        var dtypes = new Option<string[]>("--dtypes") { Description = "Dtypes to measure (default float32 bfloat16)", DefaultValueFactory = _ => ["float32", "bfloat16"], AllowMultipleArgumentsPerToken = true };
        var threads = new Option<int[]>("--threads") { Description = "Torch thread counts (default 1 2)", DefaultValueFactory = _ => [1, 2], AllowMultipleArgumentsPerToken = true };
        var workers = new Option<int[]>("--workers") { Description = "Data-parallel workers, each at --threads libtorch threads and its own shard of the batch (train's workers:) (default 1)", DefaultValueFactory = _ => [1], AllowMultipleArgumentsPerToken = true };
        var batch = new Option<int>("--batch") { Description = "Sequences per step (default 8)", DefaultValueFactory = _ => 8 };
        var sequence = new Option<int>("--sequence") { Description = "Tokens per sequence (default 256)", DefaultValueFactory = _ => 256 };
        var steps = new Option<int>("--steps") { Description = "Timed optimizer steps after one warm-up step (default 2)", DefaultValueFactory = _ => 2 };
        var headLosses = new Option<string[]>("--head-loss") { Description = "Loss over the head: chunked (what training uses), full (whole-batch logits) (default chunked)", DefaultValueFactory = _ => ["chunked"], AllowMultipleArgumentsPerToken = true };
        var checkpointing = new Option<bool[]>("--checkpointing") { Description = "Gradient checkpointing per decoder layer: false, true or both (default false)", DefaultValueFactory = _ => [false], AllowMultipleArgumentsPerToken = true };
        var heaps = new Option<string[]>("--heap") { Description = "C heap: compact (glibc tunables that keep freed blocks reusable, as training), glibc (its defaults) or release (blocks of 1 MiB or more returned when freed: resident memory follows live tensors, more CPU time) (default compact)", DefaultValueFactory = _ => ["compact"], AllowMultipleArgumentsPerToken = true };
        var single = new Option<string?>("--case") { Description = "Run one method:dtype:threads:head:checkpointing:heap[:workers] in this process and print it as JSON", Hidden = true };
        var command = new Command("train", "Measure training tokens/s and peak memory: full fine-tune vs LoRA vs QLoRA vs DoRA vs DPO (LoRA) on a stories15M-shaped Llama")
        {
            methods, dtypes, threads, workers, batch, sequence, steps, headLosses, checkpointing, heaps, single,
        };
        command.SetAction((ParseResult result, CancellationToken cancellationToken) =>
        {
            var (b, s, n) = (result.GetValue(batch), result.GetValue(sequence), result.GetValue(steps));
            if (result.GetValue(single) is { } one)
            {
                var parts = one.Split(':');
                Console.Out.WriteLine(JsonSerializer.Serialize(TrainingBenchmark.Run(parts[0], parts[1], int.Parse(parts[2], CultureInfo.InvariantCulture), b, s, n,
                    parts[3], bool.Parse(parts[4]), parts[5], parts.Length > 6 ? int.Parse(parts[6], CultureInfo.InvariantCulture) : 1)));
                return Task.FromResult(0);
            }

            var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
            Console.Out.WriteLine($"machine: {Environment.ProcessorCount} cores, 1-minute load average before the run {load}; batch {b} × {s} tokens, {n} timed steps");
            Console.Out.WriteLine(TrainingFlops.Formula);
            Console.Out.WriteLine("matmul ceiling = the model's projection shapes (rows = batch × sequence) multiplied in the same process, dtype and threads, FLOP-weighted (with workers: each worker its shard's rows, all at once, summed); MFU = tokens/s × FLOPs/token ÷ ceiling");
            Console.Out.WriteLine();
            Console.Out.WriteLine("| method | dtype | threads | workers | head loss | checkpointing | heap | trainable parameters | tokens/s | tokens/CPU-s | peak working set (MiB) | NF4 base bits/parameter | MFLOP/token | achieved GFLOP/s | matmul ceiling GFLOP/s | MFU |");
            Console.Out.WriteLine("|---|---|---:|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            var rows = new List<TrainingBenchmarkResult>();
            foreach (var dtype in result.GetValue(dtypes)!)
            foreach (var count in result.GetValue(threads)!)
            foreach (var parallel in result.GetValue(workers)!)
            foreach (var method in result.GetValue(methods)!)
            foreach (var head in result.GetValue(headLosses)!)
            foreach (var recompute in result.GetValue(checkpointing)!)
            foreach (var heap in result.GetValue(heaps)!)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var row = RunChild($"{method}:{dtype}:{count}:{head}:{recompute}:{heap}:{parallel}", b, s, n);
                if (row is not null) rows.Add(row);
                Console.Out.WriteLine(row is null ? $"| {method} | {dtype} | {count} | {parallel} | {head} | {recompute} | {heap} | failed | | | | | | | | |" : string.Create(CultureInfo.InvariantCulture,
                    $"| {row.Method} | {row.Dtype} | {row.Threads} | {row.Workers} | {row.HeadLoss} | {(row.Checkpointing ? "yes" : "no")} | {row.Heap} | {row.TrainableParameters:N0} | {row.TokensPerSecond:F0} | {row.TokensPerCpuSecond:F0} | {row.PeakWorkingSetBytes / 1048576.0:F0} | {(row.BaseBitsPerParameter is { } bits ? bits.ToString("F3", CultureInfo.InvariantCulture) : "")} | {row.MflopsPerToken:F1} | {row.AchievedGflopsPerSecond:F1} | {row.MatmulGflopsPerSecond:F1} | {row.Mfu:P1} |"));
            }

            WriteThreadScaling(rows);
            WritePhases(rows);
            return Task.FromResult(0);
        });
        return command;
    }

    // For each configuration run on one thread and on more (libtorch threads, data-parallel workers, or both): how much
    // faster the training went, and how much the matmul ceiling itself scaled in the same processes (what the machine
    // gave the model's multiplies on that many threads).
    private static void WriteThreadScaling(IReadOnlyList<TrainingBenchmarkResult> rows)
    {
        var lines = rows.Where(r => r.Threads * r.Workers > 1)
            .Select(r => (Many: r, One: rows.FirstOrDefault(o => o.Threads == 1 && o.Workers == 1 && o.Method == r.Method && o.Dtype == r.Dtype && o.HeadLoss == r.HeadLoss
                && o.Checkpointing == r.Checkpointing && o.Heap == r.Heap)))
            .Where(p => p.One is not null)
            .Select(p => string.Create(CultureInfo.InvariantCulture,
                $"{p.Many.Method} {p.Many.Dtype} at {(p.Many.Workers > 1 ? $"{p.Many.Workers} workers × {p.Many.Threads} thread(s)" : $"{p.Many.Threads} threads")} against 1: tokens/s {p.Many.TokensPerSecond / p.One!.TokensPerSecond:F2}x, matmul ceiling {p.Many.MatmulGflopsPerSecond / p.One.MatmulGflopsPerSecond:F2}x (target for 2 threads: tokens/s >= 1.8x)"))
            .ToList();
        if (lines.Count == 0) return;
        Console.Out.WriteLine();
        foreach (var line in lines) Console.Out.WriteLine(line);
    }

    // Where a step's time goes, per configuration that took the chunked language-model loss; and for one thread and
    // more, each part's own speed-up, so the part that scales worst is named in the same run.
    private static void WritePhases(IReadOnlyList<TrainingBenchmarkResult> rows)
    {
        var timed = rows.Where(r => r.Phases is not null).ToList();
        if (timed.Count == 0) return;
        var names = timed[0].Phases!.Named.Select(p => p.Name).ToList();
        Console.Out.WriteLine();
        Console.Out.WriteLine("where a step's time goes (milliseconds per step, mean of the timed steps):");
        Console.Out.WriteLine();
        Console.Out.WriteLine($"| method | dtype | threads | checkpointing | {string.Join(" | ", names)} |");
        Console.Out.WriteLine($"|---|---|---:|---|{string.Concat(names.Select(_ => "---:|"))}");
        foreach (var row in timed)
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {row.Method} | {row.Dtype} | {row.Threads} | {(row.Checkpointing ? "yes" : "no")} | {string.Join(" | ", row.Phases!.Named.Select(p => p.Milliseconds.ToString("F1", CultureInfo.InvariantCulture)))} |"));
        }

        foreach (var many in timed.Where(r => r.Threads > 1))
        {
            var one = timed.FirstOrDefault(o => o.Threads == 1 && o.Method == many.Method && o.Dtype == many.Dtype && o.Checkpointing == many.Checkpointing && o.Heap == many.Heap);
            if (one is null) continue;
            var speedUps = one.Phases!.Named.Zip(many.Phases!.Named, (a, b) => string.Create(CultureInfo.InvariantCulture, $"{a.Name} {a.Milliseconds / b.Milliseconds:F2}x"));
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{many.Method} {many.Dtype} at {many.Threads} threads against 1, by part: {string.Join(", ", speedUps)}"));
        }
    }

    private static TrainingBenchmarkResult? RunChild(string configuration, int batch, int sequence, int steps)
    {
        // Started as `dotnet wf.dll …` or as an app host: run the same entry point again.
        var entry = Environment.GetCommandLineArgs()[0];
        var host = Environment.ProcessPath!;
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (!string.Equals(Path.GetFullPath(entry), host, StringComparison.Ordinal) && entry.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)) start.ArgumentList.Add(entry);
        foreach (var argument in new[] { "bench", "train", "--case", configuration, "--batch", $"{batch}", "--sequence", $"{sequence}", "--steps", $"{steps}" }) start.ArgumentList.Add(argument);
        // The heap is chosen when the child starts: glibc reads its tunables only then.
        if (configuration.Split(':')[5] == "compact")
        {
            start.Environment.Remove(CompactHeap.OptOutVariable);
            if (!CompactHeap.IsActive) start.Environment["GLIBC_TUNABLES"] = CompactHeap.TunablesWith(Environment.GetEnvironmentVariable("GLIBC_TUNABLES"));
        }
        else
        {
            CompactHeap.KeepDefaults(start.Environment);
        }

        using var child = Process.Start(start)!;
        var output = child.StandardOutput.ReadToEnd();
        var error = child.StandardError.ReadToEnd();
        child.WaitForExit();
        if (child.ExitCode != 0)
        {
            Console.Error.WriteLine($"wf bench train: {configuration} failed: {error.Split('\n')[0]}");
            return null;
        }

        return JsonSerializer.Deserialize<TrainingBenchmarkResult>(output.Trim().Split('\n')[^1]);
    }
}
