using NUnit.Framework;
using TorchSharp;
using Workflows.Torch.Devices;

namespace Workflows.Torch.Tests.Devices;

public class DeviceSelectorTests
{
    [TestCase("cpu")]
    [TestCase(" CPU ")]
    public void Resolve_Cpu_GivesCpu(string text)
    {
        Assert.That(DeviceSelector.Resolve(text).type, Is.EqualTo(DeviceType.CPU));
    }

    [TestCase(null)]
    [TestCase("auto")]
    public void Resolve_Auto_GivesCudaOnlyWhenAvailable(string? text)
    {
        var expected = torch.cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU;
        Assert.That(DeviceSelector.Resolve(text).type, Is.EqualTo(expected));
    }

    [TestCase("cuda")]
    [TestCase("cuda:0")]
    public void Resolve_CudaWithoutCuda_ThrowsOneLineError(string text)
    {
        Assume.That(torch.cuda.is_available(), Is.False, "this machine has CUDA");
        var error = Expect.Failure<DeviceUnavailableException>(() => DeviceSelector.Resolve(text));
        Assert.That(error.Message, Does.Contain(text).And.Contain("no CUDA").And.Not.Contain("\n"));
    }

    [Test]
    [NonParallelizable]
    public void Resolve_CudaWithVisibleDevicesSet_NamesWhatLimitsTheProcess()
    {
        Assume.That(torch.cuda.is_available(), Is.False, "this machine has CUDA");
        var before = Environment.GetEnvironmentVariable("CUDA_VISIBLE_DEVICES");
        Environment.SetEnvironmentVariable("CUDA_VISIBLE_DEVICES", "NoDevFiles"); // what Slurm sets for a GPU grant without device files
        try
        {
            var error = Expect.Failure<DeviceUnavailableException>(() => DeviceSelector.Resolve("cuda"));
            Assert.That(error.Message, Does.Contain("CUDA_VISIBLE_DEVICES='NoDevFiles'"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("CUDA_VISIBLE_DEVICES", before);
        }
    }

    [TestCase("gpu")]
    [TestCase("cuda:x")]
    [TestCase("cuda:-1")]
    public void Resolve_Malformed_ThrowsNamingTheString(string text)
    {
        var error = Expect.Failure<DeviceUnavailableException>(() => DeviceSelector.Resolve(text));
        Assert.That(error.Message, Does.Contain($"'{text}'").And.Contain("cuda:N"));
    }

    [Test]
    [Category("Gpu")]
    public void Resolve_CudaIndex_GivesThatDevice()
    {
        Assume.That(torch.cuda.is_available(), Is.True, "no CUDA here");
        Assert.That(DeviceSelector.Resolve("cuda:0").index, Is.EqualTo(0));
    }
}
