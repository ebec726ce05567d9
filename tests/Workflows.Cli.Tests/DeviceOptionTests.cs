using TorchSharp;
using Workflows.Torch.Devices;

namespace Workflows.Cli.Tests;

/// <summary>The "no CUDA here" message names a way to pick the device that `wf run` really has.</summary>
[NonParallelizable]
public sealed class DeviceOptionTests
{
    private string _project = null!;

    [SetUp]
    public void CreateProject() => _project = DeviceNamedProject.Create().Root;

    [TearDown]
    public void RemoveProject() => Directory.Delete(_project, recursive: true);

    [Test]
    public void Resolve_CudaWithoutCuda_NamesTheDeviceOptionOfWfRun()
    {
        Assume.That(torch.cuda.is_available(), Is.False, "this machine has CUDA");
        var error = Assert.Throws<DeviceUnavailableException>(() => DeviceSelector.Resolve("cuda"))!;
        Assert.That(error.Message, Does.Contain("wf run <workflow> --device cpu"));

        var help = WfCommand.Run(_project, "run", "--help");
        Assert.That(help.Out, Does.Contain("--device"));
    }

    [Test]
    public void Run_DeviceCpu_OverridesTheWorkflowsDevice()
    {
        var result = WfCommand.Run(_project, "run", "wf.yaml", "--device", "cpu");

        Assert.That(result.ExitCode, Is.Zero, result.Out + result.Error);
        Assert.That(result.Out, Does.Contain("cpu.jsonl").And.Not.Contain("cuda.jsonl"));
    }

    [Test]
    public void Run_UnknownDevice_ExitsTwoNamingTheChoices()
    {
        var result = WfCommand.Run(_project, "run", "wf.yaml", "--device", "gpu");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("--device 'gpu': use auto, cpu, cuda or cuda:N"));
    }
}
