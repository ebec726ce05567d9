namespace Workflows.Torch.Benchmarks;

/// <summary>One model at one thread count.</summary>
/// <param name="Model">Which model.</param>
/// <param name="Threads">Torch intra-op threads.</param>
/// <param name="Parameters">Parameter count.</param>
/// <param name="ForwardTokensPerSecond">Tokens per second through a full-sequence forward pass (prefill / training-style).</param>
/// <param name="GenerationTokensPerSecond">Tokens per second decoded greedily one at a time with the KV cache.</param>
/// <param name="PeakWorkingSetBytes">Peak resident memory of the process so far (native tensors included).</param>
/// <param name="ManagedHeapBytes">.NET heap size at the last garbage collection (tensor data is native and not in it).</param>
public sealed record ModelBenchmarkResult(
    string Model,
    int Threads,
    long Parameters,
    double ForwardTokensPerSecond,
    double GenerationTokensPerSecond,
    long PeakWorkingSetBytes,
    long ManagedHeapBytes);
