using NUnit.Framework;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Tests.Storage;

public class FileLockTests
{
    private string _root = null!;

    [SetUp]
    public void Create() => _root = Directory.CreateTempSubdirectory("wf-lock-").FullName;

    [TearDown]
    public void Remove() => Directory.Delete(_root, recursive: true);

    private string LockPath => Path.Combine(_root, "locks", "x.lock");

    [Test]
    public void TryAcquire_WhileHeld_ReturnsNullAndNamesTheOwner()
    {
        using (var held = FileLock.TryAcquire(LockPath, "run r1 step 'train'"))
        {
            Assert.That(held, Is.Not.Null);
            Assert.That(FileLock.TryAcquire(LockPath, "second"), Is.Null);
            Assert.That(FileLock.IsHeld(LockPath), Is.True);
            var owner = FileLock.Owner(LockPath)!;
            Assert.That(owner.Pid, Is.EqualTo(Environment.ProcessId));
            Assert.That(owner.ToString(), Does.StartWith($"run r1 step 'train' (pid {Environment.ProcessId}, process started "));
        }
        Assert.That(FileLock.IsHeld(LockPath), Is.False);
        Assert.That(FileLock.Owner(LockPath), Is.Null);
        using var again = FileLock.TryAcquire(LockPath, "second");
        Assert.That(again, Is.Not.Null);
    }

    [Test]
    public void TryAcquire_WithoutHolder_ExcludesOthersAndWritesNoOwnerNote()
    {
        using (var held = FileLock.TryAcquire(LockPath, holder: null))
        {
            Assert.That(held, Is.Not.Null);
            Assert.That(FileLock.TryAcquire(LockPath, "second"), Is.Null);
            Assert.That(FileLock.IsHeld(LockPath), Is.True);
            Assert.That(FileLock.Owner(LockPath), Is.Null);
            Assert.That(Directory.GetFiles(Path.GetDirectoryName(LockPath)!), Is.EqualTo(new[] { LockPath }), "the lock file alone");
        }
        Assert.That(FileLock.IsHeld(LockPath), Is.False);
    }

    [Test]
    public void TryAcquire_Shared_CoexistsWithSharedAndExcludesExclusive()
    {
        using var first = FileLock.TryAcquire(LockPath, "run", shared: true);
        using var second = FileLock.TryAcquire(LockPath, "run", shared: true);
        Assert.That(first, Is.Not.Null);
        Assert.That(second, Is.Not.Null);
        Assert.That(FileLock.TryAcquire(LockPath, "gc"), Is.Null);
        first!.Dispose();
        second!.Dispose();
        using var exclusive = FileLock.TryAcquire(LockPath, "gc");
        Assert.That(exclusive, Is.Not.Null);
        Assert.That(FileLock.TryAcquire(LockPath, "run", shared: true), Is.Null);
    }

    [Test]
    public async Task AcquireAsync_WhileHeld_WaitsUntilReleased()
    {
        var held = FileLock.TryAcquire(LockPath, "first")!;
        LockOwner? waitedFor = null;
        var waiting = FileLock.AcquireAsync(LockPath, "second", owner => waitedFor = owner, CancellationToken.None);
        await Task.Delay(300);
        Assert.That(waiting.IsCompleted, Is.False);
        held.Dispose();
        using var taken = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(waitedFor?.Holder, Is.EqualTo("first"));
    }
}
