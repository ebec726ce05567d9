using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Workflows.Torch.Engine;

/// <summary>
/// Runs independent inference work items (batches that share nothing but the model's weights) side by side,
/// one per CPU worker thread. libtorch stays at <see cref="DeviceEngine.IntraOpThreads"/> thread per worker, so
/// each item is computed exactly as it would be alone on the calling thread: the results, not only their
/// rounding, are the same for any number of workers, which is why the count is a setting of the machine and
/// not of a step. Only the order in which items finish differs; callers store results by item index.
/// </summary>
public static class InferenceWorkers
{
    /// <summary>Environment variable that sets the number of workers (1 runs everything on the calling thread).</summary>
    public const string Variable = "WF_CPU_WORKERS";

    /// <summary>Most workers by default: each holds its own activations and KV cache, so memory grows with the count.</summary>
    public const int DefaultMost = 4;

    /// <summary>Workers for inference on <paramref name="device"/>: <see cref="Variable"/> when set, else the processor
    /// count up to <see cref="DefaultMost"/>; 1 off the CPU, where the accelerator is the one doing the work.</summary>
    /// <exception cref="InvalidOperationException"><see cref="Variable"/> is not a whole number from 1 to 256.</exception>
    public static int For(Device device)
    {
        if (device.type != DeviceType.CPU) return 1;
        var (count, problem) = Setting();
        return problem is null ? count : throw new InvalidOperationException(problem);
    }

    /// <summary>What is wrong with <see cref="Variable"/>'s value, or null when it is unset or a whole number from 1 to 256
    /// (the command line checks it before a command computes anything).</summary>
    public static string? Problem() => Setting().Problem;

    // The count the variable sets (the default when unset), and what is wrong with its value, if anything.
    private static (int Count, string? Problem) Setting()
    {
        var fallback = Math.Clamp(Environment.ProcessorCount, 1, DefaultMost);
        var text = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(text)) return (fallback, null);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is >= 1 and <= 256 ? (count, null)
            : (fallback, $"{Variable}='{text}': set a whole number of CPU workers from 1 to 256, or unset it for the default ({fallback} here)");
    }

    /// <summary>
    /// Calls <paramref name="work"/> once for each item 0 … <paramref name="count"/> − 1, taken in order by up to
    /// <paramref name="workers"/> threads (the calling thread is one), each under no_grad. The first exception
    /// stops the others from taking more items and is rethrown here once all have stopped; so is cancellation.
    /// With more than one worker every thread, the caller's too, runs libtorch at <see cref="DeviceEngine.IntraOpThreads"/>
    /// thread(s) (the caller's count is restored after), so no item depends on which thread took it.
    /// </summary>
    public static void Run(int count, int workers, Action<int> work, CancellationToken cancellationToken) =>
        WorkerThreads.Run(count, workers, DeviceEngine.IntraOpThreads, item =>
        {
            using var noGrad = no_grad();
            work(item);
        }, cancellationToken);
}
