namespace Workflows.Steps.Train;

/// <summary>One measured training configuration of <see cref="TrainingBenchmark"/>: tokens per second
/// over the timed steps, the process's peak working set, and for QLoRA the storage bits per weight of
/// the NF4 linear layers.</summary>
public sealed record TrainingBenchmarkResult(string Method, string Dtype, int Threads, long TrainableParameters, double TokensPerSecond, long PeakWorkingSetBytes, double? BaseBitsPerParameter);
