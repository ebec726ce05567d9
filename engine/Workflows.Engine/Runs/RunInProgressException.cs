namespace Workflows.Engine.Runs;

/// <summary>Thrown when a run is started or resumed while another process is running it (it holds the
/// run lock). Callers check <see cref="RunRecordStore.IsAlive"/> first; this covers the race between the
/// check and the start.</summary>
public sealed class RunInProgressException(string message) : Exception(message);
