using static TorchSharp.torch;

namespace Workflows.Torch.Engine;

/// <summary>libtorch's thread count on the calling thread for a scope (libtorch keeps it per thread once the
/// thread has run an operation), and the count before it again when the scope ends.</summary>
public static class TorchThreads
{
    /// <summary>Runs this thread's libtorch operations on <paramref name="count"/> threads until the returned scope is disposed.</summary>
    public static IDisposable Use(int count)
    {
        var before = get_num_threads();
        set_num_threads(count);
        return new Restore(before);
    }

    private sealed class Restore(int before) : IDisposable
    {
        public void Dispose() => set_num_threads(before);
    }
}
