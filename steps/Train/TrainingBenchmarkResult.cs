namespace Workflows.Steps.Train;

/// <summary>One measured training configuration of <see cref="TrainingBenchmark"/>: tokens per second
/// over the timed steps, the process's peak working set, and for QLoRA the storage bits per weight of
/// the NF4 linear layers; the model FLOPs per trained token (see <see cref="TrainingFlops.Formula"/>) and
/// the matmul GFLOP/s the same process reached at the model's shapes and dtype (the ceiling).</summary>
public sealed record TrainingBenchmarkResult(string Method, string Dtype, int Threads, long TrainableParameters, double TokensPerSecond, long PeakWorkingSetBytes, double? BaseBitsPerParameter,
    double MflopsPerToken, double MatmulGflopsPerSecond)
{
    /// <summary>Data-parallel workers, each at <see cref="Threads"/> libtorch threads (see <see cref="DataParallel"/>).</summary>
    public int Workers { get; init; } = 1;

    /// <summary>How the loss was taken: <c>chunked</c> or <c>full</c> (see <see cref="TrainingBenchmark.HeadLosses"/>).</summary>
    public string HeadLoss { get; init; } = "chunked";

    /// <summary>Whether each decoder layer was recomputed in backward (gradient checkpointing).</summary>
    public bool Checkpointing { get; init; }

    /// <summary>The C heap the process ran under: <c>compact</c>, <c>glibc</c> or <c>release</c> (see <see cref="TrainingBenchmark.Heaps"/>).</summary>
    public string Heap { get; init; } = "glibc";

    /// <summary>CPU seconds the process used over the timed steps (all threads).</summary>
    public double CpuSeconds { get; init; }

    /// <summary>Milliseconds per timed step in each part of it, for the chunked language-model loss; null for the others.</summary>
    public TrainingStepPhases? Phases { get; init; }

    /// <summary>Tokens of the timed steps.</summary>
    public long TokensTimed { get; init; }

    /// <summary>Tokens per CPU-second: steadier than tokens/s on a shared machine, where waiting for a core is not counted.</summary>
    public double TokensPerCpuSecond => CpuSeconds > 0 ? TokensTimed / CpuSeconds : 0;

    /// <summary>GFLOP/s the training reached: tokens/s × FLOPs per token.</summary>
    public double AchievedGflopsPerSecond => TokensPerSecond * MflopsPerToken / 1e3;

    /// <summary>Model FLOPs utilisation: achieved over the matmul ceiling (0–1).</summary>
    public double Mfu => MatmulGflopsPerSecond > 0 ? AchievedGflopsPerSecond / MatmulGflopsPerSecond : 0;
}
