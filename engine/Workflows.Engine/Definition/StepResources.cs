namespace Workflows.Engine.Definition;

/// <summary>What a step asks a cluster scheduler for (<c>resources:</c> under a step). Only executors
/// that hand steps to a scheduler read it; a local run ignores it, and it is no part of any fingerprint
/// (where a step runs never changes what it computes).</summary>
public sealed record StepResources
{
    /// <summary>GPUs (<c>--gres=gpu:N</c>), 0 to 64. Default: 1 for a step that uses the device when the
    /// workflow's device is <c>auto</c> or <c>cuda</c>, else 0.</summary>
    public int? Gpus { get; init; }

    /// <summary>CPU cores (<c>--cpus-per-task</c>), 1 to 1024. Default: the cluster's default (usually 1).</summary>
    public int? Cpus { get; init; }

    /// <summary>Memory in MiB (<c>--mem</c>); written as <c>512M</c>, <c>16G</c>, <c>1T</c> or a number of MiB.
    /// Default: the cluster's default.</summary>
    public long? MemoryMb { get; init; }

    /// <summary>Time limit in whole minutes (<c>--time</c>); written as minutes (<c>90</c>), <c>90m</c>, <c>2h</c>,
    /// <c>HH:MM:SS</c> or <c>D-HH:MM:SS</c>. Default: the partition's limit.</summary>
    public int? TimeMinutes { get; init; }

    /// <summary>Partition for this step, overriding the executor's. Default: the executor's, else the cluster's default.</summary>
    public string? Partition { get; init; }

    /// <summary>None of the fields set.</summary>
    public static StepResources None { get; } = new();
}
