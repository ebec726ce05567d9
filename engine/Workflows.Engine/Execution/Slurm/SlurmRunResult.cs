using Workflows.Engine.Runs;

namespace Workflows.Engine.Execution.Slurm;

/// <summary>How following a Slurm run ended.</summary>
/// <param name="Record">The run's record (still <c>running</c> when detached).</param>
/// <param name="Detached">The follower stopped on Ctrl-C and left the jobs to the cluster.</param>
/// <param name="JobsLeft">Jobs still queued or running when it detached.</param>
public sealed record SlurmRunResult(RunRecord Record, bool Detached, int JobsLeft);
