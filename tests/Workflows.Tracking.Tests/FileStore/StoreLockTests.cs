using Workflows.Tracking.FileStore;
using Workflows.Tracking.Tests.Support;

namespace Workflows.Tracking.Tests.FileStore;

public sealed class StoreLockTests
{
    [Test]
    public void Acquire_WhileHeldElsewhere_TimesOutThenSucceedsOnceReleased()
    {
        using var temp = new TempDirectory();
        var held = StoreLock.Acquire(temp.Path);

        Assert.Throws<IOException>(() => StoreLock.Acquire(temp.Path, TimeSpan.FromMilliseconds(50)).Dispose());
        held.Dispose();

        Assert.DoesNotThrow(() => StoreLock.Acquire(temp.Path, TimeSpan.FromMilliseconds(50)).Dispose());
    }
}
