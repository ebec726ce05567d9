namespace Workflows.Engine.Runs;

/// <summary>A run's state. <see cref="Interrupted"/> is never written: it is how a record that still says
/// <see cref="Running"/> reads once the process that ran it is gone (its run lock is free).</summary>
public enum RunStatus { Running, Succeeded, Failed, Cancelled, Interrupted }
