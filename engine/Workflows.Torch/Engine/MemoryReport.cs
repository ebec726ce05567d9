namespace Workflows.Torch.Engine;

/// <summary>Memory use of this process, in bytes.</summary>
/// <param name="ParameterBytes">Bytes held by the parameters of cached models.</param>
/// <param name="WorkingSet">Resident memory now (native tensors included).</param>
/// <param name="PeakWorkingSet">Highest resident memory since the process started.</param>
/// <param name="ManagedHeap">.NET heap size at the last garbage collection.</param>
public sealed record MemoryReport(long ParameterBytes, long WorkingSet, long PeakWorkingSet, long ManagedHeap);
