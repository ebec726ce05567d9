using System.Collections.Concurrent;

namespace Workflows.Engine.Tests.Support;

/// <summary>Shared observations of test steps (start order, device overlap, barriers).</summary>
public static class TestProbe
{
    private static readonly ConcurrentDictionary<string, CountdownEvent> Barriers = new();
    private static int _onDevice;

    public static ConcurrentQueue<string> StartedSteps { get; } = new();
    public static ConcurrentQueue<string> FinishedSteps { get; } = new();
    public static int MaxOnDevice { get; private set; }
    public static ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> Lineages { get; } = new();

    public static void Reset()
    {
        StartedSteps.Clear();
        FinishedSteps.Clear();
        Barriers.Clear();
        Lineages.Clear();
        MaxOnDevice = 0;
        _onDevice = 0;
    }

    public static void Started(string step) => StartedSteps.Enqueue(step);
    public static void Finished(string step) => FinishedSteps.Enqueue(step);

    /// <summary>Two callers with the same name both return true only if they overlap in time.</summary>
    public static bool Meet(string name, TimeSpan timeout)
    {
        var barrier = Barriers.GetOrAdd(name, _ => new CountdownEvent(2));
        barrier.Signal();
        return barrier.Wait(timeout);
    }

    public static void EnterDevice()
    {
        var now = Interlocked.Increment(ref _onDevice);
        lock (Barriers) MaxOnDevice = Math.Max(MaxOnDevice, now);
    }

    public static void LeaveDevice() => Interlocked.Decrement(ref _onDevice);
}
