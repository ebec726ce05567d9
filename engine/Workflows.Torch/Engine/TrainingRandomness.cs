using static TorchSharp.torch;

namespace Workflows.Torch.Engine;

/// <summary>
/// The generator training's random operations draw from on the calling thread: adapter dropout, NEFTune's
/// embedding noise, and gradient checkpointing's replay of both. It is libtorch's default generator unless a
/// data-parallel worker has put its shard's own in place (<see cref="Use"/>). The default generator is one for the
/// whole process, so shards computed side by side on it would take their numbers in whatever order their threads
/// happened to run, and the masks would change from one run to the next.
/// </summary>
public static class TrainingRandomness
{
    [ThreadStatic] private static Generator? _current;

    /// <summary>This thread's generator, or null for libtorch's default one.</summary>
    public static Generator? Current => _current;

    /// <summary>Makes <paramref name="generator"/> this thread's until the returned scope is disposed (which
    /// restores the one before; it does not dispose the generator).</summary>
    public static IDisposable Use(Generator generator)
    {
        var before = _current;
        _current = generator;
        return new Restore(before);
    }

    /// <summary>A copy of the state of this thread's generator.</summary>
    public static Tensor GetState() => _current?.get_state() ?? get_rng_state();

    /// <summary>Puts <paramref name="state"/> (from <see cref="GetState"/> on this thread) back into this thread's generator.</summary>
    public static void SetState(Tensor state)
    {
        if (_current is { } generator) generator.set_state(state);
        else set_rng_state(state);
    }

    /// <summary>Inverted dropout as libtorch computes it on the CPU (a Bernoulli mask with keep probability 1 − p,
    /// divided by 1 − p, times the input), drawn from this thread's generator. With the default generator it gives
    /// the values <c>nn.Dropout</c> gives under the same seed.</summary>
    public static Tensor Dropout(Tensor input, double p)
    {
        using var scope = NewDisposeScope();
        var keep = 1 - p;
        var noise = empty_like(input).bernoulli_(keep, _current).div_(Scalars.Of(keep));
        return scope.MoveToOuter(input * noise);
    }

    /// <summary>Uniform noise in [<paramref name="low"/>, <paramref name="high"/>) shaped like <paramref name="like"/>, from this thread's generator.</summary>
    public static Tensor Uniform(Tensor like, double low, double high) => empty_like(like).uniform_(low, high, _current);

    private sealed class Restore(Generator? before) : IDisposable
    {
        public void Dispose() => _current = before;
    }
}
