using System.Globalization;
using System.Text;
using Workflows.Engine.Definition;

namespace Workflows.Engine.Execution.Slurm;

/// <summary>The batch script of one step's job: <c>#SBATCH</c> lines for its resources and
/// dependencies, a check that the node sees the run folder, then <c>wf run-step</c>.</summary>
public static class SbatchScript
{
    /// <summary>Exit status of a job whose node cannot see the run folder.</summary>
    public const int NotVisibleExitCode = 3;

    /// <summary>The marker the submitting process writes in the run's Slurm folder, read back on the node.</summary>
    public const string VisibilityMarker = "visible";

    public static string Build(SbatchJob job)
    {
        var s = new StringBuilder();
        s.Append("#!/bin/bash\n");
        Directive(s, "--job-name", job.JobName);
        Directive(s, "--chdir", job.ProjectRoot);
        Directive(s, "--output", Path.Combine(job.SlurmDirectory, job.Step + "-%j.out"));
        // Requeued jobs (preemption, node failure, `scontrol requeue`) append, and the step resumes
        // from its last checkpoint because the checkpoint folder is keyed by the step's fingerprint.
        s.Append("#SBATCH --open-mode=append\n#SBATCH --requeue\n#SBATCH --kill-on-invalid-dep=yes\n");
        var r = job.Resources;
        if (r.Gpus is > 0) Directive(s, "--gres", "gpu:" + r.Gpus.Value.ToString(CultureInfo.InvariantCulture));
        if (r.Cpus is { } cpus) Directive(s, "--cpus-per-task", cpus.ToString(CultureInfo.InvariantCulture));
        if (r.MemoryMb is { } mb) Directive(s, "--mem", mb.ToString(CultureInfo.InvariantCulture) + "M");
        if (r.TimeMinutes is { } minutes) Directive(s, "--time", minutes.ToString(CultureInfo.InvariantCulture));
        Placement(s, job.Settings, r.Partition);
        if (SlurmOutput.AfterOk(job.DependsOnJobs) is { } dependency) Directive(s, "--dependency", dependency);
        foreach (var extra in job.Settings.SbatchArgs) s.Append("#SBATCH ").Append(extra).Append('\n');

        var marker = Path.Combine(job.SlurmDirectory, VisibilityMarker);
        s.Append("if [ ! -f ").Append(Quote(marker)).Append(" ]; then\n");
        s.Append("  echo \"wf: node $(hostname) cannot see the run folder ").Append(Escape(job.SlurmDirectory))
         .Append("; the project and its .wf store must be on a filesystem every node mounts\" >&2\n");
        s.Append("  exit ").Append(NotVisibleExitCode).Append('\n');
        s.Append("fi\n");
        s.Append("echo \"wf: job ${SLURM_JOB_ID} on $(hostname), restart ${SLURM_RESTART_COUNT:-0}, CUDA_VISIBLE_DEVICES=${CUDA_VISIBLE_DEVICES:-}\"\n");
        var command = job.Settings.WfCommand.Concat(["run-step", job.RunId, job.Step]);
        if (job.Settings.Device is { } device) command = command.Concat(["--device", device]);
        // exec: the step is the job's process, so scancel's and requeue's SIGTERM reach it directly.
        s.Append("exec ").Append(string.Join(' ', command.Select(Quote))).Append('\n');
        return s.ToString();
    }

    /// <summary>The probe job: succeeds only where the run folder (and its marker) is visible.</summary>
    public static string Probe(string jobName, string projectRoot, string slurmDirectory, SlurmSettings settings)
    {
        var s = new StringBuilder("#!/bin/bash\n");
        Directive(s, "--job-name", jobName);
        Directive(s, "--chdir", "/");
        Directive(s, "--output", "/dev/null");
        Directive(s, "--time", "5");
        Placement(s, settings, null);
        var marker = Path.Combine(slurmDirectory, VisibilityMarker);
        s.Append("test -f ").Append(Quote(marker)).Append(" && test -d ").Append(Quote(projectRoot))
         .Append(" && hostname > ").Append(Quote(Path.Combine(slurmDirectory, "probe.ok"))).Append('\n');
        return s.ToString();
    }

    // Where a job may run: the step's partition or the executor's, and the executor's account and qos.
    private static void Placement(StringBuilder s, SlurmSettings settings, string? stepPartition)
    {
        if ((stepPartition ?? settings.Partition) is { } partition) Directive(s, "--partition", partition);
        if (settings.Account is { } account) Directive(s, "--account", account);
        if (settings.Qos is { } qos) Directive(s, "--qos", qos);
    }

    private static void Directive(StringBuilder s, string flag, string value) => s.Append("#SBATCH ").Append(flag).Append('=').Append(value).Append('\n');

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
        .Replace("$", "\\$", StringComparison.Ordinal).Replace("`", "\\`", StringComparison.Ordinal);
}
