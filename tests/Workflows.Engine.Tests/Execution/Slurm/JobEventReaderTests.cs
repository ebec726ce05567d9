using NUnit.Framework;
using Workflows.Engine.Execution.Slurm;
using Workflows.Engine.Runs;
using Workflows.Engine.Steps;
using Workflows.Engine.Execution;
using Workflows.Engine.Planning;
using Workflows.Engine.Tests.Support;

namespace Workflows.Engine.Tests.Execution.Slurm;

/// <summary>A job's events written on the compute node come back as the same observer calls in the submitting process.</summary>
public class JobEventReaderTests
{
    [Test]
    public void Pump_WrittenEventsAndScriptLines_ReplaysThemInOrderAcrossPartialReads()
    {
        using var project = new TempProject();
        var path = Path.Combine(project.Root, "train-7.out");
        var seen = new Recorder();
        var reader = new JobEventReader(path, "train", seen);
        Assert.That(reader.Pump(), Is.False, "no file yet");

        using (var file = new StreamWriter(path, append: true))
        {
            file.WriteLine("wf: job 7 on vm, restart 0, CUDA_VISIBLE_DEVICES=0");
            var writer = new JobEventWriter(file);
            writer.StepStarted("train");
            writer.StepProgress("train", 0.25, "step 20/80 loss 5.1");
            writer.StepLog("train", StepLogLevel.Warning, "tab\there\nsecond line");
            file.Write("wf-event\tlog\ttrain\tInfo\tnot yet fini"); // a line the job is still writing
        }
        Assert.That(reader.Pump(), Is.True);
        File.AppendAllText(path, "shed\n");
        reader.Pump();
        Assert.That(seen.Events, Is.EqualTo(new[]
        {
            "log train Info wf: job 7 on vm, restart 0, CUDA_VISIBLE_DEVICES=0",
            "started train",
            "progress train 0.25 step 20/80 loss 5.1",
            "log train Warning tab\there",
            "log train Info not yet finished",
        }));
    }

    private sealed class Recorder : IRunObserver
    {
        public List<string> Events { get; } = [];
        public void RunStarted(ExecutionPlan plan, RunRecord record) => Events.Add("run");
        public void StepStarted(string step) => Events.Add($"started {step}");
        public void StepProgress(string step, double fraction, string? status) => Events.Add($"progress {step} {fraction} {status}");
        public void StepLog(string step, StepLogLevel level, string message) => Events.Add($"log {step} {level} {message}");
        public void StepFinished(StepRecord step) => Events.Add($"finished {step.Name}");
        public void RunFinished(RunRecord record) => Events.Add("end");
    }
}
