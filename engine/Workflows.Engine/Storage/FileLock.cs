using System.Text.Json;

namespace Workflows.Engine.Storage;

/// <summary>An exclusive OS lock on a file (<c>flock</c> on Unix, a share lock on Windows). The kernel
/// drops it when the holding process dies, however it dies, so a crashed run never leaves a stale
/// lock behind: "is the lock held?" is the liveness test. The lock file itself is never deleted
/// (deleting it would let two processes lock two different files of the same name).</summary>
public sealed class FileLock : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private readonly FileStream _stream;
    private readonly string? _ownerFile;

    private FileLock(FileStream stream, string? ownerFile)
    {
        _stream = stream;
        _ownerFile = ownerFile;
    }

    /// <summary>Takes the lock, or returns null at once when another holder has it. A shared lock
    /// (<paramref name="shared"/>) coexists with other shared holders and excludes an exclusive one.</summary>
    /// <param name="path">The lock file (created when missing, never deleted).</param>
    /// <param name="holder">What the holder is doing, written to an owner note beside an exclusive lock for
    /// <see cref="Owner"/>; null writes no note (a caller that can name the holder another way saves a file
    /// per lock).</param>
    /// <param name="shared">Take a shared lock instead of an exclusive one.</param>
    public static FileLock? TryAcquire(string path, string? holder, bool shared = false)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        FileStream stream;
        try
        {
            if (shared && !File.Exists(path)) new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite).Dispose();
            // .NET takes flock(LOCK_SH) for a read-only open that shares, flock(LOCK_EX) for FileShare.None.
            stream = shared
                ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite)
                : new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
        if (shared || holder is null) return new FileLock(stream, null);
        var owner = OwnerFileOf(path);
        try
        {
            AtomicFile.WriteAllText(owner, JsonSerializer.Serialize(LockOwner.Current(holder), EngineJson.Options), durable: false); // dies with the lock
        }
        catch (IOException)
        {
            // The owner note is for messages; the lock holds without it.
        }
        return new FileLock(stream, owner);
    }

    /// <summary>Takes the lock, waiting as long as another process holds it. <paramref name="waiting"/> is
    /// called once, with the holder when known, before the first wait. <paramref name="holder"/> is as for
    /// <see cref="TryAcquire"/>.</summary>
    public static async Task<FileLock> AcquireAsync(string path, string? holder, Action<LockOwner?> waiting, CancellationToken cancellationToken,
        bool shared = false)
    {
        var announced = false;
        while (true)
        {
            if (TryAcquire(path, holder, shared) is { } taken) return taken;
            if (!announced)
            {
                waiting(Owner(path));
                announced = true;
            }
            await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>True while some process (this one included) holds the lock at <paramref name="path"/>.</summary>
    public static bool IsHeld(string path)
    {
        if (!File.Exists(path)) return false;
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>The last recorded holder of the lock at <paramref name="path"/>, when one is recorded.</summary>
    public static LockOwner? Owner(string path)
    {
        try
        {
            var file = OwnerFileOf(path);
            return File.Exists(file) ? JsonSerializer.Deserialize<LockOwner>(File.ReadAllText(file), EngineJson.Options) : null;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string OwnerFileOf(string path) => path + ".owner";

    public void Dispose()
    {
        // The owner note goes first, while the lock is still held, so it never describes a later holder.
        try
        {
            if (_ownerFile is not null) File.Delete(_ownerFile);
        }
        catch (IOException)
        {
        }
        _stream.Dispose();
    }
}
