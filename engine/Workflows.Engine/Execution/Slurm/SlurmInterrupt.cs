namespace Workflows.Engine.Execution.Slurm;

/// <summary>What Ctrl-C does to a run whose steps are Slurm jobs.</summary>
public enum SlurmInterrupt
{
    /// <summary>Leave the jobs queued and running (the cluster keeps running the DAG); <c>wf resume</c> picks the run up.</summary>
    Detach,
    /// <summary><c>scancel</c> every job of the run; <c>wf resume</c> submits what did not finish.</summary>
    Cancel,
}
