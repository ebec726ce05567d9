using System.Diagnostics;
using System.Text.Json;
using Workflows.Engine.Execution.Slurm;

namespace Workflows.Cli.Tests.Slurm;

/// <summary>The real Slurm cluster the <c>Slurm</c> tests run against (<c>tools/slurm-cluster.sh up</c>;
/// CI's <c>.ci/run</c> starts it and sets <c>WF_SLURM_TESTS=1</c>), and what it says about jobs.</summary>
internal static class SlurmCluster
{
    /// <summary>Ignores the test unless a cluster was announced and its client commands are here.</summary>
    public static void RequireOrIgnore()
    {
        if (Environment.GetEnvironmentVariable("WF_SLURM_TESTS") != "1")
            Assert.Ignore("Slurm tests are opt-in: `eval \"$(tools/slurm-cluster.sh up)\"` (a single-node cluster) and set WF_SLURM_TESTS=1; .ci/run does both");
        if (!File.Exists("/usr/bin/sbatch") && !SbatchOnPath())
            Assert.Ignore("WF_SLURM_TESTS=1 but sbatch is not on PATH: apt-get install slurm-client slurmctld slurmd munge");
    }

    /// <summary>The controller's one-line record of a job (it keeps ended jobs for MinJobAge, 600 s on the test cluster).</summary>
    public static string Job(string jobId) => Run("scontrol", "-o", "show", "job", jobId);

    /// <summary>A field of <see cref="Job"/> (<c>JobState</c>, <c>Reason</c>, <c>TresPerNode</c>, <c>Restarts</c>…); null when absent.</summary>
    public static string? Field(string jobId, string field) =>
        Job(jobId).Split(' ').Select(t => t.Split('=', 2)).Where(kv => kv.Length == 2 && kv[0] == field).Select(kv => kv[1]).FirstOrDefault();

    public static string Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, $"{program} {string.Join(' ', args)}: {stderr}");
        return stdout.Trim();
    }

    /// <summary>The jobs table of the latest run of <paramref name="project"/>.</summary>
    public static SlurmJobTable Table(ProcessProject project)
    {
        var run = Directory.GetDirectories(Path.Combine(project.Root, ".wf", "runs")).Order(StringComparer.Ordinal).Last();
        return SlurmJobTable.Load(run) ?? throw new AssertionException("the run has no Slurm job table: " + run);
    }

    /// <summary>The latest run's folder.</summary>
    public static string RunFolder(ProcessProject project) =>
        Directory.GetDirectories(Path.Combine(project.Root, ".wf", "runs")).Order(StringComparer.Ordinal).Last();

    /// <summary>Waits for <paramref name="condition"/>; fails the test after <paramref name="timeout"/>.</summary>
    public static void WaitFor(Func<bool> condition, TimeSpan timeout, string what, WfProcess? child = null)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (child is { HasExited: true }) Assert.Fail($"wf exited ({child.ExitCode}) while waiting for {what}: {child.Wait(TimeSpan.FromSeconds(1)).Out}");
            if (clock.Elapsed > timeout) Assert.Fail($"no {what} within {timeout.TotalSeconds} s");
            Thread.Sleep(50);
        }
    }

    private static bool SbatchOnPath() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, "sbatch")));
}
