using NUnit.Framework;
using Workflows.Engine.Execution.Slurm;

namespace Workflows.Engine.Tests.Execution.Slurm;

/// <summary>Parsing what Slurm printed (fixtures captured from a real 22.05 cluster, see Fixtures/README.md).</summary>
public class SlurmOutputTests
{
    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Execution", "Slurm", "Fixtures", name));

    [Test]
    public void ParseScontrol_RealOutput_ReadsStateNodeExitCodeAndReason()
    {
        var jobs = SlurmOutput.ParseScontrol(Fixture("scontrol-show-job.txt"));
        Assert.That(jobs.Select(j => (j.JobId, j.State, j.Node, j.ExitCode, j.Reason)), Is.EqualTo(new[]
        {
            ("1", "COMPLETED", (string?)"vm", "0:0", (string?)null),
            ("2", "FAILED", "vm", "3:0", "NonZeroExitCode"),
            ("3", "CANCELLED", null, "0:0", "DependencyNeverSatisfied"),
        }));
        Assert.That(jobs.Select(j => j.IsTerminal), Is.All.True);
        Assert.That(jobs.Select(j => j.DependencyFailed), Is.EqualTo(new[] { false, false, true }));
    }

    [Test]
    public void ParseSacct_CompletionLog_ReadsTheSameJobs()
    {
        var jobs = SlurmOutput.ParseSacct(Fixture("sacct-c.txt"));
        Assert.That(jobs.Select(j => (j.JobId, j.State, j.Node, j.ExitCode)), Is.EqualTo(new[]
        {
            ("1", "COMPLETED", (string?)"vm", "0:0"),
            ("2", "FAILED", "vm", "3:0"),
            ("3", "CANCELLED", null, "0:0"),
        }));
    }

    [Test]
    public void ParseSacct_StepsAndCancelledBy_KeepsJobsOnlyAndTheBareState()
    {
        var jobs = SlurmOutput.ParseSacct("7|CANCELLED by 0|vm|0:15\n7.batch|CANCELLED|vm|0:15\n8|RUNNING|vm|0:0\n");
        Assert.That(jobs.Select(j => (j.JobId, j.State)), Is.EqualTo(new[] { ("7", "CANCELLED"), ("8", "RUNNING") }));
        Assert.That(jobs[1].IsTerminal, Is.False);
    }

    [TestCase("42\n", "42")]
    [TestCase("42;cluster\n", "42")]
    [TestCase("sbatch: error: Batch job submission failed\n", null)]
    [TestCase("", null)]
    public void ParseSubmitted_ParsableOutput_ReturnsTheJobId(string stdout, string? expected) =>
        Assert.That(SlurmOutput.ParseSubmitted(stdout), Is.EqualTo(expected));

    [Test]
    public void AfterOk_Jobs_JoinsThemWithColons()
    {
        Assert.That(SlurmOutput.AfterOk(["5", "7"]), Is.EqualTo("afterok:5:7"));
        Assert.That(SlurmOutput.AfterOk([]), Is.Null);
    }

    [TestCase("3:0", 3)]
    [TestCase("0:9", 0)]
    [TestCase("x", null)]
    public void ExitStatus_SlurmExitCode_ReturnsTheProcessStatus(string code, int? expected) =>
        Assert.That(SlurmOutput.ExitStatus(code), Is.EqualTo(expected));
}
