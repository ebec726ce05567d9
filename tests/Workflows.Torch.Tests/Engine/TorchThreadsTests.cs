using NUnit.Framework;
using Workflows.Torch.Engine;
using static TorchSharp.torch;

namespace Workflows.Torch.Tests.Engine;

public class TorchThreadsTests
{
    [Test]
    public void Use_Count_SetsItForTheScopeThenRestoresTheOneBefore()
    {
        using var pinned = TorchThreads.Use(1);
        using (TorchThreads.Use(3))
        {
            Assert.That(get_num_threads(), Is.EqualTo(3));
            using (TorchThreads.Use(2)) Assert.That(get_num_threads(), Is.EqualTo(2));
            Assert.That(get_num_threads(), Is.EqualTo(3));
        }

        Assert.That(get_num_threads(), Is.EqualTo(1));
    }
}
