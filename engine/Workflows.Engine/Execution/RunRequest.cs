using Workflows.Engine.Planning;
using Workflows.Engine.Runs;
using Workflows.Engine.Tracking;

namespace Workflows.Engine.Execution;

/// <summary>Everything a run needs besides the plan.</summary>
public sealed record RunRequest
{
    public ITracker Tracker { get; init; } = new NullTracker();
    public IRunObserver Observer { get; init; } = new SilentObserver();
    public IReadOnlyDictionary<string, string> ParamOverrides { get; init; } = new Dictionary<string, string>();

    /// <summary>Git facts for lineage and tracking tags (commit, branch, dirty).</summary>
    public IReadOnlyDictionary<string, string> Source { get; init; } = new Dictionary<string, string>();

    /// <summary>An earlier record to continue (<c>wf resume</c>); null starts a new run.</summary>
    public RunRecord? Resume { get; init; }

    /// <summary>The workflow text to keep beside the record for faithful resumes.</summary>
    public string? WorkflowText { get; init; }

    /// <summary>Steps running at once, at most. Default: the number of cores.</summary>
    public int MaxParallelSteps { get; init; } = Environment.ProcessorCount;

    /// <summary>Counts the bytes and files written to the run's record, when given (tests, benchmarks).</summary>
    public RecordWrites? RecordWrites { get; init; }

    public DeviceLease DeviceLease { get; init; } = DeviceLease.Shared;
}
