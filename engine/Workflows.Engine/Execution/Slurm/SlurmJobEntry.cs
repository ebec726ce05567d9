namespace Workflows.Engine.Execution.Slurm;

/// <summary>One step's Slurm job, as <c>wf show</c> lists it.</summary>
public sealed class SlurmJobEntry
{
    public required string Step { get; init; }
    public required string JobId { get; init; }

    /// <summary>Slurm's latest state of the job (PENDING, RUNNING, COMPLETED, FAILED, CANCELLED…).</summary>
    public string State { get; set; } = "PENDING";

    /// <summary>Why it waits or ended, as Slurm says (Dependency, DependencyNeverSatisfied…).</summary>
    public string? Reason { get; set; }

    public string? Node { get; set; }

    /// <summary>Slurm's <c>code:signal</c>.</summary>
    public string? ExitCode { get; set; }

    /// <summary>Times Slurm requeued it.</summary>
    public int Restarts { get; set; }

    /// <summary>When sbatch accepted it (the submitting machine's clock).</summary>
    public DateTimeOffset Submitted { get; init; }

    /// <summary>When the submitting process first saw it running.</summary>
    public DateTimeOffset? SeenRunning { get; set; }

    /// <summary>When the submitting process first saw it ended.</summary>
    public DateTimeOffset? SeenEnded { get; set; }
}
