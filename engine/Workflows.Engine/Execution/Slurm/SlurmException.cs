namespace Workflows.Engine.Execution.Slurm;

/// <summary>A Slurm command failed or is missing; the message says which and what to do.</summary>
public sealed class SlurmException(string message) : Exception(message);
