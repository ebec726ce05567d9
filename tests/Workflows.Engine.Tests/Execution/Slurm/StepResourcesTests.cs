using NUnit.Framework;
using Workflows.Engine.Tests.Support;

namespace Workflows.Engine.Tests.Execution.Slurm;

/// <summary><c>resources:</c> under a step: parsed into numbers Slurm takes, bad values reported where they are written.</summary>
public class StepResourcesTests
{
    private const string Header = "api_version: workflows/v1\nname: t\nsteps:\n";

    [Test]
    public void Load_AllFields_ParsesThem()
    {
        using var project = new TempProject().Write(Header + "  a: { uses: echo, resources: { gpus: 2, cpus: 4, memory: 16G, time: '1-02:30:00', partition: gpu } }\n");
        var loaded = project.Load();
        Assert.That(loaded.IsValid, Is.True, string.Join("\n", loaded.Diagnostics));
        var r = loaded.Workflow!.Step("a").Definition.Resources!;
        Assert.That((r.Gpus, r.Cpus, r.MemoryMb, r.TimeMinutes, r.Partition), Is.EqualTo(((int?)2, (int?)4, (long?)16384, (int?)(24 * 60 + 150), "gpu")));
    }

    [TestCase("512M", 512L)]
    [TestCase("2048", 2048L)]
    [TestCase("1T", 1048576L)]
    [TestCase("16gb", 16384L)]
    public void Load_Memory_IsMebibytes(string memory, long expected)
    {
        using var project = new TempProject().Write(Header + $"  a: {{ uses: echo, resources: {{ memory: {memory} }} }}\n");
        Assert.That(project.Load().Workflow!.Step("a").Definition.Resources!.MemoryMb, Is.EqualTo(expected));
    }

    [TestCase("90", 90)]
    [TestCase("90m", 90)]
    [TestCase("2h", 120)]
    [TestCase("'30:30'", 31)]
    [TestCase("'02:00:00'", 120)]
    [TestCase("'1-00'", 1440)]
    public void Load_Time_IsWholeMinutesRoundedUp(string time, int expected)
    {
        using var project = new TempProject().Write(Header + $"  a: {{ uses: echo, resources: {{ time: {time} }} }}\n");
        Assert.That(project.Load().Workflow!.Step("a").Definition.Resources!.TimeMinutes, Is.EqualTo(expected));
    }

    private static IEnumerable<TestCaseData> BadResources()
    {
        yield return new TestCaseData("{ gpu: 1 }", "workflow.yaml:4:33 step 'a': unknown resources key 'gpu' — did you mean 'gpus'?").SetName("UnknownKey");
        yield return new TestCaseData("{ gpus: 65 }", "workflow.yaml:4:39 step 'a': resources.gpus must be between 0 and 64, got 65").SetName("TooManyGpus");
        yield return new TestCaseData("{ cpus: 0 }", "workflow.yaml:4:39 step 'a': resources.cpus must be between 1 and 1024, got 0").SetName("NoCpus");
        yield return new TestCaseData("{ memory: lots }", "workflow.yaml:4:41 step 'a': resources.memory 'lots' is not understood — write it as 512M, 16G, 1T or a number of MiB").SetName("BadMemory");
        yield return new TestCaseData("{ time: soon }", "workflow.yaml:4:39 step 'a': resources.time 'soon' is not understood — write minutes (90), 90m, 2h, HH:MM:SS or D-HH:MM:SS").SetName("BadTime");
        yield return new TestCaseData("[1]", "workflow.yaml:4:31 step 'a': 'resources' must be a mapping").SetName("NotAMapping");
    }

    [TestCaseSource(nameof(BadResources))]
    public void Load_BadResources_ReportsFileLineColumn(string resources, string expected)
    {
        using var project = new TempProject().Write(Header + $"  a: {{ uses: echo, resources: {resources} }}\n");
        var loaded = project.Load();
        Assert.That(loaded.IsValid, Is.False);
        Assert.That(loaded.Diagnostics.Select(d => d.ToString().Replace(project.Root + "/", "")), Has.Some.StartsWith(expected), string.Join("\n", loaded.Diagnostics));
    }
}
