using Workflows.Torch;
using Workflows.Torch.Engine;
using static TorchSharp.torch;

namespace Workflows.Steps.Train;

/// <summary>
/// Data parallelism on the CPU (train's <c>workers</c>): a micro-batch is split into shards of whole rows, computed
/// side by side on worker threads, as DistributedDataParallel's ranks compute theirs, and the shards' gradients are
/// added to the parameters' in shard order. libtorch's own threads split every operation and wait for each other at
/// its end, thousands of times a step, so one slow moment of either core holds both; shards wait for each other once
/// per micro-batch. Each shard draws its dropout and noise from a generator of its own (<see cref="TrainingRandomness"/>)
/// seeded from where the shard is in the run, so what a shard computes does not depend on which thread ran it or when.
/// </summary>
public static class DataParallel
{
    /// <summary>Row ranges of <paramref name="shards"/> contiguous shards of <paramref name="rows"/> rows: sizes differ by
    /// at most one, the larger first; one shard per row when there are fewer rows than shards.</summary>
    public static IReadOnlyList<(int Start, int Count)> Shards(int rows, int shards)
    {
        var count = Math.Max(1, Math.Min(rows, shards));
        var result = new List<(int, int)>(count);
        for (int shard = 0, start = 0; shard < count; shard++)
        {
            var size = (rows / count) + (shard < rows % count ? 1 : 0);
            result.Add((start, size));
            start += size;
        }

        return result;
    }

    /// <summary>
    /// The losses of shards 0 … <paramref name="shardCount"/> − 1 (<paramref name="loss"/>), with their gradients with respect
    /// to <paramref name="parameters"/> added to the parameters' <c>grad</c>. One shard is computed on the calling thread by
    /// <c>backward()</c>, drawing from libtorch's default generator, as training without shards does. More shards are taken
    /// by up to <paramref name="workers"/> threads at <paramref name="threadsPerWorker"/> libtorch threads each (one after
    /// another off the CPU), each under a generator seeded with <paramref name="seedOf"/>(shard); their gradients are taken
    /// with <c>autograd.grad</c>, not accumulated by <c>backward()</c> (threads finishing in any order would add them in any
    /// order), and added in shard order once all are done.
    /// </summary>
    public static double[] Backward(IReadOnlyList<Tensor> parameters, int shardCount, int workers, int threadsPerWorker,
        Func<int, Tensor> loss, Func<int, ulong> seedOf, Device device, CancellationToken cancellationToken)
    {
        if (shardCount == 1)
        {
            using var scope = NewDisposeScope();
            var whole = loss(0);
            whole.backward();
            return [whole.item<float>()];
        }

        var values = new double[shardCount];
        var gradients = new Tensor?[shardCount][];
        WorkerThreads.Run(shardCount, WorkerThreads.On(device, workers), threadsPerWorker, shard =>
        {
            using var generator = new Generator(seedOf(shard), device);
            using var random = TrainingRandomness.Use(generator);
            using var scope = NewDisposeScope();
            var value = loss(shard);
            var grads = autograd.grad([value], [.. parameters], allow_unused: true);
            gradients[shard] = [.. grads.Select(g => g is { IsInvalid: false } ? g.DetachFromDisposeScope() : null)];
            values[shard] = value.item<float>();
        }, cancellationToken);

        using (no_grad())
        {
            foreach (var shard in gradients)
            {
                for (var i = 0; i < parameters.Count; i++)
                {
                    if (shard[i] is not { } gradient) continue;
                    if (parameters[i].grad is { } sum) sum.PlusInPlace(gradient);
                    else parameters[i].grad = gradient.clone();
                    gradient.Dispose();
                }
            }
        }

        return values;
    }
}
