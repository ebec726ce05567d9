using System.Globalization;
using Workflows.Engine.Planning;
using Workflows.Engine.Runs;
using Workflows.Engine.Steps;

namespace Workflows.Engine.Execution.Slurm;

/// <summary>Inside a job: writes the step's events to the job's output as tagged lines, which the
/// submitting <c>wf run</c> reads back (<see cref="JobEventReader"/>) to show the same progress as a local run.</summary>
public sealed class JobEventWriter(TextWriter writer) : IRunObserver
{
    public const string Tag = "wf-event";
    private readonly Lock _gate = new();

    public void RunStarted(ExecutionPlan plan, RunRecord record) { }

    public void StepStarted(string step) => Write("started", step, "");

    public void StepProgress(string step, double fraction, string? status) =>
        Write("progress", step, fraction.ToString("R", CultureInfo.InvariantCulture) + "\t" + (status ?? ""));

    public void StepLog(string step, StepLogLevel level, string message) => Write("log", step, level + "\t" + message);

    public void StepFinished(StepRecord step) => Write("finished", step.Name, step.State.ToString());

    public void RunFinished(RunRecord record) { }

    private void Write(string kind, string step, string payload)
    {
        // One line per event: a message's later lines stay in the step's log file.
        var line = payload.Split('\n')[0].TrimEnd('\r');
        lock (_gate)
        {
            writer.WriteLine($"{Tag}\t{kind}\t{step}\t{line}");
            writer.Flush();
        }
    }
}
