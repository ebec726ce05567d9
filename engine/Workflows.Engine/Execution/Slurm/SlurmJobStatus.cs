namespace Workflows.Engine.Execution.Slurm;

/// <summary>One job as Slurm reports it (<c>scontrol show job</c> or <c>sacct</c>).</summary>
/// <param name="JobId">The job id (an array or het job's own id, never a step's).</param>
/// <param name="State">PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, NODE_FAIL, PREEMPTED, OUT_OF_MEMORY, REQUEUED…</param>
/// <param name="Reason">Why it waits or ended (<c>Dependency</c>, <c>DependencyNeverSatisfied</c>, <c>NonZeroExitCode</c>…); null when unknown.</param>
/// <param name="Node">Where it runs or ran; null before it starts.</param>
/// <param name="ExitCode">Slurm's <c>code:signal</c>, e.g. <c>0:0</c>, <c>3:0</c>, <c>0:9</c>.</param>
/// <param name="Restarts">How many times it was requeued.</param>
public sealed record SlurmJobStatus(string JobId, string State, string? Reason, string? Node, string ExitCode, int Restarts)
{
    private static readonly HashSet<string> Terminal =
    [
        "COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "PREEMPTED", "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE", "SPECIAL_EXIT", "REVOKED",
    ];

    /// <summary>Ended for good: it will not run again unless someone requeues it by hand.</summary>
    public bool IsTerminal => IsTerminalState(State);

    /// <summary>Whether a job in <paramref name="state"/> has ended for good (see <see cref="IsTerminal"/>).</summary>
    public static bool IsTerminalState(string state) => Terminal.Contains(state);

    /// <summary>Cancelled by Slurm because an <c>afterok</c> dependency failed (<c>--kill-on-invalid-dep=yes</c>).</summary>
    public bool DependencyFailed => Reason == "DependencyNeverSatisfied";
}
