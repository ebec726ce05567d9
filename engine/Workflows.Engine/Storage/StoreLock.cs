namespace Workflows.Engine.Storage;

/// <summary>The project-wide reader/writer lock on <c>.wf/store</c>: every run holds it shared for its
/// whole life, <c>wf gc</c> takes it exclusively. So gc never deletes an artifact that a live run is about
/// to reuse, and a run started during gc waits for it instead of reading a store being pruned.</summary>
public static class StoreLock
{
    public static string PathOf(ProjectLayout layout) => Path.Combine(layout.Locks, "store.lock");

    /// <summary>Held by a run; waits while <c>wf gc</c> holds the lock exclusively.</summary>
    public static Task<FileLock> SharedAsync(ProjectLayout layout, Action waiting, CancellationToken cancellationToken) =>
        FileLock.AcquireAsync(PathOf(layout), "run", _ => waiting(), cancellationToken, shared: true);

    /// <summary>For <c>wf gc</c>: null while any run holds the lock.</summary>
    public static FileLock? TryExclusive(ProjectLayout layout) => FileLock.TryAcquire(PathOf(layout), "wf gc");
}
