using System.Globalization;
using Workflows.Engine.Planning;
using Workflows.Engine.Runs;
using Workflows.Engine.Steps;
using Workflows.Engine.Storage;
using Workflows.Engine.Tracking;

namespace Workflows.Engine.Execution;

/// <summary>How every run starts, whether its steps run in this process or as cluster jobs: its record
/// and its locks (<see cref="LockAsync"/>), then the workflow snapshot, the tracker's parent run and
/// the first whole record (<see cref="BeginAsync"/>). In between, an executor prepares what must be
/// ready under the locks before anything is recorded. Disposing releases the locks.</summary>
internal sealed class RunStart : IDisposable
{
    private readonly ExecutionPlan _plan;
    private readonly RunRequest _request;
    private readonly FileLock _runLock;
    private readonly FileLock _storeLock;

    private RunStart(ExecutionPlan plan, RunRequest request, RunRecordStore records, RunRecord record, FileLock runLock, FileLock storeLock)
    {
        (_plan, _request, Records, Record, _runLock, _storeLock) = (plan, request, records, record, runLock, storeLock);
        Tracker = new ResilientTracker(request.Tracker, message => request.Observer.StepLog("tracking", StepLogLevel.Warning, message));
    }

    public RunRecord Record { get; }
    public RunRecordStore Records { get; }
    public ResilientTracker Tracker { get; }

    /// <summary>The tracker's parent run, which the run's end closes; set by <see cref="BeginAsync"/>.</summary>
    public string TrackingRunId => Record.TrackingRunId ?? throw new InvalidOperationException("the run has not begun");

    /// <summary>The parent run's tags, which each step's run repeats; set by <see cref="BeginAsync"/>.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; private set; } = new Dictionary<string, string>();

    /// <summary>Makes the run's record (a new run, or the next attempt of <see cref="RunRequest.Resume"/>)
    /// and takes the run's lock and a shared hold on the store.</summary>
    /// <exception cref="RunInProgressException">Another process is running this run.</exception>
    public static async Task<RunStart> LockAsync(ProjectLayout layout, ExecutionPlan plan, RunRequest request, CancellationToken cancellationToken)
    {
        if (plan.Errors.Count > 0) throw new InvalidOperationException("the plan has errors; show them instead of running");
        var records = new RunRecordStore(layout, request.RecordWrites);
        var record = NewRecord(plan, request);
        // The run lock says "this run is alive" to `wf runs`, `wf show` and a second `wf resume`; the
        // kernel drops it when this process dies, so a killed run reads as interrupted, never stuck.
        var runLock = FileLock.TryAcquire(records.LockPathOf(record.Id), $"run {record.Id}")
            ?? throw new RunInProgressException(RunInProgress.Message(records, record.Id));
        try
        {
            return new RunStart(plan, request, records, record, runLock, await LockStoreAsync(layout, request.Observer, cancellationToken));
        }
        catch
        {
            runLock.Dispose();
            throw;
        }
    }

    /// <summary>Keeps the workflow text, starts the tracker's parent run (tagged with
    /// <paramref name="executor"/> when not local), writes the whole record and tells the observer.</summary>
    public async Task BeginAsync(string? executor, CancellationToken cancellationToken)
    {
        var workflow = _plan.Workflow.Definition;
        if (_request.WorkflowText is not null && _request.Resume is null) Records.SaveWorkflowSnapshot(Record.Id, _request.WorkflowText);
        Tags = RunTags(_plan, _request.Source, Record, executor);
        Record.TrackingRunId = await Tracker.StartRunAsync(new TrackingRunStart(workflow.Experiment, $"{workflow.Name} {Record.Id}", null, Tags), cancellationToken);
        await Tracker.LogParamsAsync(Record.TrackingRunId, workflow.Params.ToDictionary(p => "params." + p.Key, p => TrackingParams.Display(p.Value)), cancellationToken);
        Records.Save(Record);
        _request.Observer.RunStarted(_plan, Record);
    }

    /// <summary>A shared hold on the store, so <c>wf gc</c> waits for this process (and it for a running gc).</summary>
    public static Task<FileLock> LockStoreAsync(ProjectLayout layout, IRunObserver observer, CancellationToken cancellationToken) =>
        StoreLock.SharedAsync(layout, () => observer.StepLog("store", StepLogLevel.Warning, "waiting for `wf gc` to finish with .wf/store"), cancellationToken);

    /// <summary>The parent run's tags: the run, the workflow, the source facts and, for a run whose steps
    /// run elsewhere, the executor (a step run as a cluster job makes the same tags again).</summary>
    public static Dictionary<string, string> RunTags(ExecutionPlan plan, IReadOnlyDictionary<string, string> source, RunRecord record, string? executor)
    {
        var workflow = plan.Workflow.Definition;
        var tags = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["wf.run_id"] = record.Id,
            ["wf.workflow.name"] = workflow.Name,
            ["wf.workflow.version"] = workflow.Version.ToString(CultureInfo.InvariantCulture),
            ["wf.workflow.content_hash"] = workflow.ContentHash,
            ["wf.workflow.file"] = workflow.SourcePath,
        };
        foreach (var (key, value) in source) tags[key] = value;
        if (executor is not null) tags["wf.executor"] = executor;
        return tags;
    }

    private static RunRecord NewRecord(ExecutionPlan plan, RunRequest request)
    {
        var workflow = plan.Workflow.Definition;
        var previous = request.Resume;
        return new RunRecord
        {
            Id = previous?.Id ?? RunRecordStore.NewId(),
            WorkflowFile = previous?.WorkflowFile ?? workflow.SourcePath,
            WorkflowName = workflow.Name,
            WorkflowVersion = workflow.Version,
            ContentHash = workflow.ContentHash,
            ParamOverrides = request.ParamOverrides.ToDictionary(),
            OnlyStep = plan.Selection.Only,
            FromStep = plan.Selection.From,
            ForcedSteps = plan.Selection.Force.Order(StringComparer.Ordinal).ToList(),
            Started = previous?.Started ?? DateTimeOffset.UtcNow,
            Source = request.Source.ToDictionary(),
            Attempts = (previous?.Attempts ?? 0) + 1,
            Steps = plan.Steps.Select(p => new StepRecord { Name = p.Step.Name, Type = p.Step.Type.Name, Reason = p.Reason, Fingerprint = p.Fingerprint }).ToList(),
        };
    }

    public void Dispose()
    {
        _storeLock.Dispose();
        _runLock.Dispose();
    }
}
