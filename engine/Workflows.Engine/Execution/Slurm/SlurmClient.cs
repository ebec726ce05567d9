using System.Diagnostics;

namespace Workflows.Engine.Execution.Slurm;

/// <summary>Talks to Slurm through its own commands (<c>sbatch</c>, <c>scontrol</c>, <c>sacct</c>,
/// <c>scancel</c>), as a user at a login node would; they find the cluster as usual (<c>SLURM_CONF</c>
/// or the node's configuration).</summary>
internal sealed class SlurmClient
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Submits a batch script file; returns the job id.</summary>
    /// <exception cref="SlurmException">sbatch is missing or refused the job.</exception>
    public string Submit(string scriptPath)
    {
        var (code, stdout, stderr) = Run("sbatch", ["--parsable", scriptPath]);
        if (code != 0 || SlurmOutput.ParseSubmitted(stdout) is not { } id)
            throw new SlurmException($"sbatch refused {scriptPath}: {FirstLines(stderr + stdout)}");
        return id;
    }

    /// <summary>The jobs Slurm still knows of among <paramref name="jobIds"/>: the controller's memory
    /// first, then accounting, then the job-completion log (clusters without slurmdbd).</summary>
    public IReadOnlyDictionary<string, SlurmJobStatus> Query(IReadOnlyCollection<string> jobIds)
    {
        var found = new Dictionary<string, SlurmJobStatus>(StringComparer.Ordinal);
        if (jobIds.Count == 0) return found;
        // One call for all jobs: `scontrol show job` with no id lists every job the controller holds.
        var (code, stdout, stderr) = Run("scontrol", ["-o", "show", "job"]);
        if (code != 0 && !stderr.Contains("No jobs", StringComparison.OrdinalIgnoreCase))
            throw new SlurmException($"scontrol show job failed: {FirstLines(stderr)}");
        foreach (var job in SlurmOutput.ParseScontrol(stdout).Where(j => jobIds.Contains(j.JobId))) found[job.JobId] = job;
        var missing = jobIds.Where(id => !found.ContainsKey(id)).ToList();
        if (missing.Count == 0) return found;
        foreach (var history in new[] { Array.Empty<string>(), ["-c"] })
        {
            var (sacctCode, sacctOut, _) = Run("sacct", [.. history, "-X", "-n", "-P", "-j", string.Join(',', missing), "-o", "JobID,State,NodeList,ExitCode"]);
            if (sacctCode != 0) continue;
            foreach (var job in SlurmOutput.ParseSacct(sacctOut).Where(j => missing.Contains(j.JobId))) found.TryAdd(job.JobId, job);
            if (missing.All(found.ContainsKey)) break;
        }
        return found;
    }

    /// <summary>Cancels jobs (already-finished ones are ignored by Slurm).</summary>
    public void Cancel(IReadOnlyCollection<string> jobIds)
    {
        if (jobIds.Count == 0) return;
        var (code, _, stderr) = Run("scancel", [.. jobIds]);
        if (code != 0 && !stderr.Contains("already completing or completed", StringComparison.OrdinalIgnoreCase) && !stderr.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase))
            throw new SlurmException($"scancel {string.Join(' ', jobIds)} failed: {FirstLines(stderr)}");
    }

    /// <summary>Whether <c>sbatch</c> is on PATH.</summary>
    public static bool Available() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, "sbatch")));

    private static (int Code, string Stdout, string Stderr) Run(string program, IReadOnlyList<string> args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new SlurmException($"{program} was not found on PATH: run `wf run --executor slurm` on a machine of the cluster (a login node) where the Slurm client commands are installed");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(CommandTimeout))
            {
                process.Kill(entireProcessTree: true);
                throw new SlurmException($"{program} did not answer within {CommandTimeout.TotalSeconds:0} s; is the controller up? (`sinfo`)");
            }
            return (process.ExitCode, stdout.Result, stderr.Result);
        }
    }

    private static string FirstLines(string text) => string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(3));
}
