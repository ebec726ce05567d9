namespace Workflows.Tracking.FileStore;

/// <summary>An exclusive lock between processes on a file-store root, held by an open
/// <see cref="FileShare.None"/> handle on <c>.wf-lock</c> (an advisory flock on Unix, a share lock on
/// Windows). MLflow ignores files in the store root.</summary>
internal static class StoreLock
{
    public static IDisposable Acquire(string root, TimeSpan? timeout = null)
    {
        Directory.CreateDirectory(root);
        var path = Path.Combine(root, ".wf-lock");
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        for (var wait = 1; ; wait = Math.Min(wait * 2, 100))
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(wait);
            }
        }
    }
}
