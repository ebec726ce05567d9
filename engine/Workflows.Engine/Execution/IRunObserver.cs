using Workflows.Engine.Planning;
using Workflows.Engine.Runs;
using Workflows.Engine.Steps;

namespace Workflows.Engine.Execution;

/// <summary>Receives run events for display (a live terminal view, plain log lines, tests).
/// Called from several threads at once when steps run concurrently.</summary>
public interface IRunObserver
{
    void RunStarted(ExecutionPlan plan, RunRecord record);
    void StepStarted(string step);
    void StepProgress(string step, double fraction, string? status);
    void StepLog(string step, StepLogLevel level, string message);
    void StepFinished(StepRecord step);
    void RunFinished(RunRecord record);
}
