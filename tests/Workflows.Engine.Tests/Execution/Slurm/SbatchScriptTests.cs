using NUnit.Framework;
using Workflows.Engine.Definition;
using Workflows.Engine.Execution.Slurm;
using Workflows.Engine.Tests.Support;

namespace Workflows.Engine.Tests.Execution.Slurm;

public class SbatchScriptTests
{
    private static SbatchJob Job(StepResources resources, SlurmSettings? settings = null, IReadOnlyList<string>? after = null) =>
        new("wf-demo-train", "20261130-000000-abcdef", "train", "/proj", "/proj/.wf/runs/20261130-000000-abcdef/slurm", resources, after ?? [],
            settings ?? new SlurmSettings { WfCommand = ["/usr/bin/dotnet", "/opt/wf/wf.dll"] });

    [Test]
    public void Build_FullResources_WritesEveryDirectiveAndRunsTheStepThroughWf()
    {
        var script = SbatchScript.Build(Job(new StepResources { Gpus = 2, Cpus = 8, MemoryMb = 16384, TimeMinutes = 120, Partition = "a100" },
            new SlurmSettings { Partition = "gpu", Account = "proj1", Qos = "high", SbatchArgs = ["--constraint=nvlink"], WfCommand = ["/usr/bin/dotnet", "/opt/wf/wf.dll"], Device = "cuda" },
            ["11", "12"]));
        var directives = script.Split('\n').Where(l => l.StartsWith("#SBATCH", StringComparison.Ordinal)).ToList();
        Assert.That(directives, Is.EqualTo(new[]
        {
            "#SBATCH --job-name=wf-demo-train",
            "#SBATCH --chdir=/proj",
            "#SBATCH --output=/proj/.wf/runs/20261130-000000-abcdef/slurm/train-%j.out",
            "#SBATCH --open-mode=append",
            "#SBATCH --requeue",
            "#SBATCH --kill-on-invalid-dep=yes",
            "#SBATCH --gres=gpu:2",
            "#SBATCH --cpus-per-task=8",
            "#SBATCH --mem=16384M",
            "#SBATCH --time=120",
            "#SBATCH --partition=a100",
            "#SBATCH --account=proj1",
            "#SBATCH --qos=high",
            "#SBATCH --dependency=afterok:11:12",
            "#SBATCH --constraint=nvlink",
        }));
        Assert.That(script, Does.EndWith("exec '/usr/bin/dotnet' '/opt/wf/wf.dll' 'run-step' '20261130-000000-abcdef' 'train' '--device' 'cuda'\n"));
        Assert.That(script, Does.Contain("if [ ! -f '/proj/.wf/runs/20261130-000000-abcdef/slurm/visible' ]"));
    }

    [Test]
    public void Build_NoResources_AsksForNothingAndUsesTheExecutorsPartition()
    {
        var script = SbatchScript.Build(Job(StepResources.None with { Gpus = 0 }, new SlurmSettings { Partition = "cpu" }));
        Assert.That(script, Does.Not.Contain("--gres").And.Not.Contain("--mem").And.Not.Contain("--dependency").And.Not.Contain("--time"));
        Assert.That(script, Does.Contain("#SBATCH --partition=cpu\n"));
    }

    [Test]
    public void Build_QuoteInPath_IsEscapedForTheShell()
    {
        var script = SbatchScript.Build(Job(StepResources.None) with { ProjectRoot = "/it's", SlurmDirectory = "/it's/$x" });
        Assert.That(script, Does.Contain("-f '/it'\\''s/$x/visible'"));
        Assert.That(script, Does.Contain("run folder /it's/\\$x;"));
    }

    [TestCase("auto", 1)]
    [TestCase("cuda:1", 1)]
    [TestCase("cpu", 0)]
    public void For_DeviceStep_AsksForOneGpuUnlessTheRunIsOnCpu(string device, int gpus)
    {
        using var project = new TempProject().Write("api_version: workflows/v1\nname: t\nsteps:\n  d: { uses: device_work }\n  e: { uses: echo }\n");
        var plan = project.Plan();
        Assert.That(SlurmResources.For(plan.Step("d").Step, device).Gpus, Is.EqualTo(gpus));
        Assert.That(SlurmResources.For(plan.Step("e").Step, device).Gpus, Is.EqualTo(0));
    }

    [Test]
    public void For_WrittenGpus_WinOverTheDefault()
    {
        using var project = new TempProject().Write("api_version: workflows/v1\nname: t\nsteps:\n  d: { uses: device_work, resources: { gpus: 0, cpus: 2 } }\n");
        var resources = SlurmResources.For(project.Plan().Step("d").Step, "cuda");
        Assert.That((resources.Gpus, resources.Cpus), Is.EqualTo((0, 2)));
    }
}
