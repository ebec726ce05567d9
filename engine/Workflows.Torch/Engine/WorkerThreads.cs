using System.Runtime.ExceptionServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Workflows.Torch.Engine;

/// <summary>
/// Runs independent work items side by side on CPU threads, each thread at a set number of libtorch threads, so an
/// item computes exactly what it would alone on the calling thread at that count. The calling thread is one of the
/// workers. Used for inference batches (<see cref="InferenceWorkers"/>) and for training's data-parallel shards.
/// </summary>
public static class WorkerThreads
{
    /// <summary>How many of <paramref name="workers"/> run side by side on <paramref name="device"/>: all of them on the CPU,
    /// one elsewhere, where the accelerator does the work and the items go one after another.</summary>
    public static int On(Device device, int workers) => device.type == DeviceType.CPU ? workers : 1;

    /// <summary>
    /// Calls <paramref name="work"/> once for each item 0 … <paramref name="count"/> − 1, taken in order by up to
    /// <paramref name="workers"/> threads. With one worker (or one item) every item runs on the calling thread as it is,
    /// its libtorch thread count included. With more, every thread, the caller's too, runs libtorch at
    /// <paramref name="threadsPerWorker"/> thread(s) (the caller's count is restored after), so no item depends on which
    /// thread took it. A new thread records autograd graphs, as libtorch's threads start. The first exception stops
    /// the others from taking more items and is rethrown here once all have stopped; so is cancellation.
    /// </summary>
    public static void Run(int count, int workers, int threadsPerWorker, Action<int> work, CancellationToken cancellationToken)
    {
        if (workers <= 1 || count <= 1)
        {
            for (var item = 0; item < count; item++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                work(item);
            }

            return;
        }

        var next = -1;
        ExceptionDispatchInfo? failure = null;
        void Work()
        {
            // A new thread starts with libtorch's default thread count; every item gets the one asked for.
            set_num_threads(threadsPerWorker);
            try
            {
                for (var item = Interlocked.Increment(ref next); item < count && Volatile.Read(ref failure) is null; item = Interlocked.Increment(ref next))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    work(item);
                }
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(e), null);
            }
        }

        var helpers = Enumerable.Range(0, Math.Min(Math.Min(workers, count), 256) - 1).Select(_ => new Thread(Work) { IsBackground = true }).ToList();
        using (TorchThreads.Use(get_num_threads()))                                            // Work() changes the caller's count
        {
            foreach (var thread in helpers) thread.Start();
            Work();
            foreach (var thread in helpers) thread.Join();
        }

        failure?.Throw();
    }
}
