using Workflows.Engine.Storage;

namespace Workflows.Engine.Caching;

/// <summary>Serialises writers of the cache journal, across processes (<c>.wf/locks/cache.lock</c>, an OS file
/// lock the kernel drops when its holder dies) and across threads of one process. Held only for one append,
/// so it is polled briefly instead of waited on like a step lock.</summary>
internal static class CacheAppendLock
{
    private static readonly Lock InProcess = new();

    public static IDisposable Take(ProjectLayout layout)
    {
        var path = Path.Combine(layout.Locks, "cache.lock");
        InProcess.Enter();
        try
        {
            for (var wait = 1; ; wait = Math.Min(wait * 2, 50))
            {
                if (FileLock.TryAcquire(path, holder: null) is { } taken) return new Held(taken);
                Thread.Sleep(wait);
            }
        }
        catch
        {
            InProcess.Exit();
            throw;
        }
    }

    private sealed class Held(FileLock fileLock) : IDisposable
    {
        public void Dispose()
        {
            fileLock.Dispose();
            InProcess.Exit();
        }
    }
}
