using Workflows.Engine.Planning;
using Workflows.Engine.Runs;
using Workflows.Engine.Steps;

namespace Workflows.Engine.Execution;

/// <summary>Shows nothing; for callers that read the run record afterwards.</summary>
public sealed class SilentObserver : IRunObserver
{
    public void RunStarted(ExecutionPlan plan, RunRecord record) { }
    public void StepStarted(string step) { }
    public void StepProgress(string step, double fraction, string? status) { }
    public void StepLog(string step, StepLogLevel level, string message) { }
    public void StepFinished(StepRecord step) { }
    public void RunFinished(RunRecord record) { }
}
