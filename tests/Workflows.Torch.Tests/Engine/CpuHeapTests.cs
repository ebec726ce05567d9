using NUnit.Framework;
using Workflows.Torch.Engine;
using static TorchSharp.torch;

namespace Workflows.Torch.Tests.Engine;

public class CpuHeapTests
{
    [Test]
    public void ReturnLargeBlocks_FreedTensor_LeavesTheProcess()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("mallopt is glibc's");
        Assert.That(CpuHeap.ReturnLargeBlocks(), Is.True);
        try
        {
            var before = ResidentBytes();
            var tensor = ones(6L << 20);                                                          // 24 MiB, below glibc's dynamic threshold
            var alive = ResidentBytes();
            tensor.Dispose();
            var after = ResidentBytes();

            Assert.That(alive - before, Is.GreaterThan(20L << 20), "the tensor's pages are resident while it lives");
            Assert.That(alive - after, Is.GreaterThan(20L << 20), "and returned when it is freed");
        }
        finally
        {
            CpuHeap.KeepBlocks();
        }
    }

    private static long ResidentBytes() =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
}
