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

    [Test]
    public void Build_RunFolderNotVisible_ScriptExitsThreeNamingTheNodeBeforeStartingWf()
    {
        using var project = new TempProject();
        var script = Path.Combine(project.Root, "job.sbatch");
        File.WriteAllText(script, SbatchScript.Build(Job(StepResources.None) with { ProjectRoot = project.Root, SlurmDirectory = Path.Combine(project.Root, "unseen") }));
        var (code, output) = Bash(script);
        Assert.That(code, Is.EqualTo(SbatchScript.NotVisibleExitCode));
        Assert.That(output, Does.Contain($"node {System.Net.Dns.GetHostName()} cannot see the run folder {project.Root}/unseen"));
    }

    [Test]
    public void Probe_MarkerPresentOrMissing_WritesProbeOkOnlyWhenTheNodeSeesIt()
    {
        using var project = new TempProject();
        var slurm = Directory.CreateDirectory(Path.Combine(project.Root, "slurm")).FullName;
        var probe = Path.Combine(project.Root, "probe.sbatch");
        File.WriteAllText(probe, SbatchScript.Probe("p", project.Root, slurm, new SlurmSettings()));
        Assert.That(Bash(probe).Code, Is.Not.Zero);
        Assert.That(File.Exists(Path.Combine(slurm, "probe.ok")), Is.False);
        File.WriteAllText(Path.Combine(slurm, SbatchScript.VisibilityMarker), "run");
        Assert.That(Bash(probe).Code, Is.Zero);
        Assert.That(File.Exists(Path.Combine(slurm, "probe.ok")), Is.True);
    }

    // The script's own shell logic, run by bash as slurmd would (the #SBATCH lines are comments to it).
    private static (int Code, string Output) Bash(string script)
    {
        var info = new System.Diagnostics.ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = System.Diagnostics.Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
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
