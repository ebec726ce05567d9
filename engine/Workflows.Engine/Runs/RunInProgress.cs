namespace Workflows.Engine.Runs;

/// <summary>The one wording for "this run is still alive in another process".</summary>
public static class RunInProgress
{
    public static string Message(RunRecordStore records, string runId)
    {
        var owner = records.Owner(runId);
        var who = owner is null ? "another process" : $"process {owner.Pid} (started {owner.ProcessStarted.ToLocalTime():yyyy-MM-dd HH:mm:ss})";
        return $"run {runId} is still running in {who}; wait for it to end (`wf show {runId}`), or stop that process first — then `wf resume {runId}` continues it";
    }
}
