using System.Diagnostics;
using System.Globalization;

namespace Workflows.Engine.Storage;

/// <summary>Who holds a <see cref="FileLock"/>: written beside the lock file so that a waiting or refused
/// process can say whom it is waiting for. For messages only; the OS lock is the truth.</summary>
/// <param name="Holder">What the holder is doing, e.g. <c>run 20261130-… step 'train'</c>.</param>
/// <param name="Pid">The holding process id.</param>
/// <param name="ProcessStarted">When the holding process started (pids are reused; this tells them apart).</param>
/// <param name="Acquired">When the lock was taken.</param>
public sealed record LockOwner(string Holder, int Pid, DateTimeOffset ProcessStarted, DateTimeOffset Acquired)
{
    public static LockOwner Current(string holder)
    {
        using var self = Process.GetCurrentProcess();
        return new LockOwner(holder, self.Id, new DateTimeOffset(self.StartTime.ToUniversalTime(), TimeSpan.Zero), DateTimeOffset.UtcNow);
    }

    public override string ToString() =>
        $"{Holder} (pid {Pid}, process started {ProcessStarted.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)})";
}
