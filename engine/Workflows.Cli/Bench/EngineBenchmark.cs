using System.Diagnostics;
using System.Text;
using Workflows.Engine.Execution;
using Workflows.Engine.Hosting;
using Workflows.Engine.Planning;

namespace Workflows.Cli.Bench;

/// <summary>Times load + validate + plan (with its cache check) of a generated N-step workflow, before
/// any run (every step "no previous run") and after one (every step cached).</summary>
internal static class EngineBenchmark
{
    /// <param name="FirstRunCpuSeconds">Process CPU time (user + kernel, all threads) during the first run:
    /// steadier than its wall time on a shared machine.</param>
    public sealed record Result(int Steps, double ColdMs, double CachedMs, double FirstRunSeconds, double FirstRunCpuSeconds);

    public static async Task<Result> RunAsync(int steps, int repetitions, TextWriter log)
    {
        var root = Directory.CreateTempSubdirectory("wf-bench-engine-").FullName;
        try
        {
            var file = Path.Combine(root, "bench.yaml");
            await File.WriteAllTextAsync(file, Generate(steps));
            var loader = new WorkflowLoader([new BenchStepLibrary()]);
            var cold = Measure(loader, file, repetitions, expectCached: false);
            log.WriteLine($"validate+plan, no previous run: {cold:0.0} ms (median of {repetitions})");

            using var self = Process.GetCurrentProcess();
            var (userBefore, kernelBefore) = (self.UserProcessorTime, self.PrivilegedProcessorTime);
            var started = Stopwatch.StartNew();
            var loaded = loader.Load(file);
            var record = await new WorkflowExecutor(loaded.Layout).RunAsync(new Planner(loaded.Layout).Plan(loaded.Workflow!, StepSelection.All), new RunRequest(), CancellationToken.None);
            var firstRun = started.Elapsed.TotalSeconds;
            self.Refresh();
            var (user, kernel) = ((self.UserProcessorTime - userBefore).TotalSeconds, (self.PrivilegedProcessorTime - kernelBefore).TotalSeconds);
            var cpu = user + kernel;
            log.WriteLine($"first run of {steps} no-op steps: {firstRun:0.00} s ({record.Status}; CPU {cpu:0.00} s = {user:0.00} user + {kernel:0.00} kernel; target ≤ 3 s)");

            var cached = Measure(loader, file, repetitions, expectCached: true);
            log.WriteLine($"validate+plan, all cached: {cached:0.0} ms (median of {repetitions})");
            return new Result(steps, cold, cached, firstRun, cpu);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static double Measure(WorkflowLoader loader, string file, int repetitions, bool expectCached)
    {
        var times = new List<double>();
        for (var i = 0; i < repetitions + 3; i++) // the first three warm up the JIT and file caches
        {
            var watch = Stopwatch.StartNew();
            var loaded = loader.Load(file);
            var plan = new Planner(loaded.Layout).Plan(loaded.Workflow ?? throw new InvalidOperationException(string.Join("\n", loaded.Diagnostics)), StepSelection.All);
            watch.Stop();
            if (plan.Steps.All(s => s.Decision == StepDecision.Cached) != expectCached)
                throw new InvalidOperationException("benchmark plan did not match the expected cache state");
            if (i >= 3) times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    /// <summary>A layered DAG: each step reads one or two earlier steps' outputs, like real fan-in.</summary>
    public static string Generate(int steps)
    {
        var text = new StringBuilder("api_version: workflows/v1\nname: bench\nversion: 1\nparams:\n  base: 7\nsteps:\n");
        for (var i = 0; i < steps; i++)
        {
            text.Append($"  s{i}:\n    uses: bench_noop\n    with:\n      value: {i}\n");
            if (i == 0) continue;
            text.Append($"      inputs:\n        - \"${{{{ steps.s{i - 1}.outputs.out }}}}\"\n");
            if (i >= 10 && i % 3 == 0) text.Append($"        - \"${{{{ steps.s{i / 2}.outputs.out }}}}\"\n");
        }
        return text.ToString();
    }
}
