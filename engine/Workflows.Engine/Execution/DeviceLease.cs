namespace Workflows.Engine.Execution;

/// <summary>Serialises device use: a step that runs models holds the lease for its whole run, so two
/// such steps never compete for the device's memory. One per process, like the device engine.</summary>
public sealed class DeviceLease
{
    private readonly SemaphoreSlim _slots;

    public DeviceLease(int slots = 1) => _slots = new SemaphoreSlim(slots, slots);

    public static DeviceLease Shared { get; } = new();

    public async Task<IDisposable> AcquireAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Release(_slots);
    }

    private sealed class Release(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release();
        }
    }
}
