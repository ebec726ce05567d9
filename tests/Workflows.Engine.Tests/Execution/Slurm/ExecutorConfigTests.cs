using NUnit.Framework;
using Workflows.Engine.Diagnostics;
using Workflows.Engine.Execution.Slurm;
using Workflows.Engine.Tests.Support;

namespace Workflows.Engine.Tests.Execution.Slurm;

/// <summary>The <c>executor:</c> entry of <c>wf.config.yaml</c>.</summary>
public class ExecutorConfigTests
{
    private static (ExecutorConfig Config, DiagnosticList Diagnostics) Read(string config)
    {
        using var project = new TempProject();
        project.WriteFile("wf.config.yaml", config);
        var diagnostics = new DiagnosticList();
        return (ExecutorConfig.Read(project.Root, diagnostics), diagnostics);
    }

    [Test]
    public void Read_NoConfig_IsLocal()
    {
        using var project = new TempProject();
        Assert.That(ExecutorConfig.Read(project.Root, new DiagnosticList()).Type, Is.EqualTo("local"));
    }

    [Test]
    public void Read_Mapping_ReadsEverySetting()
    {
        var (config, diagnostics) = Read("executor:\n  type: slurm\n  partition: gpu\n  account: proj\n  qos: high\n  sbatch_args: [--constraint=a100, --exclusive]\n  poll_seconds: 0.5\n");
        Assert.That(diagnostics.HasErrors, Is.False, string.Join("\n", diagnostics.Sorted()));
        Assert.That(config.Type, Is.EqualTo("slurm"));
        Assert.That((config.Slurm.Partition, config.Slurm.Account, config.Slurm.Qos, config.Slurm.PollSeconds), Is.EqualTo(("gpu", "proj", "high", 0.5)));
        Assert.That(config.Slurm.SbatchArgs, Is.EqualTo(new[] { "--constraint=a100", "--exclusive" }));
    }

    [Test]
    public void Read_Scalar_IsTheType() => Assert.That(Read("executor: slurm\n").Config.Type, Is.EqualTo("slurm"));

    [TestCase("executor: kubernetes\n", "wf.config.yaml:1:11 unknown executor 'kubernetes' — use local or slurm")]
    [TestCase("executor: { type: slurm, partiton: gpu }\n", "wf.config.yaml:1:26 unknown executor key 'partiton' — did you mean 'partition'?")]
    [TestCase("executor: { poll_seconds: 600 }\n", "wf.config.yaml:1:27 executor.poll_seconds must be between 0.1 and 60, got 600")]
    public void Read_BadConfig_ReportsFileLineColumn(string config, string expected)
    {
        var (_, diagnostics) = Read(config);
        Assert.That(diagnostics.Sorted().Select(d => Path.GetFileName(d.ToString())), Has.Some.StartsWith(expected), string.Join("\n", diagnostics.Sorted()));
    }
}
