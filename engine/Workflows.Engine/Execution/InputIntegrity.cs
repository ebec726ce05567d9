using System.Collections.Concurrent;
using Workflows.Engine.Planning;
using Workflows.Engine.Runs;
using Workflows.Engine.Steps;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Execution;

/// <summary>Checks, before a step runs, that every stored artifact it reads still matches its manifest
/// (full sha256 of every file). A damaged artifact is moved to <c>.wf/quarantine/</c> and the step that
/// produced it runs again in this run, so a flipped byte costs a recomputation, never a crash deep inside
/// a step. Each artifact is checked once per run, however many steps read it.</summary>
internal sealed class InputIntegrity(ArtifactStore store, ExecutionPlan plan, IRunObserver observer)
{
    /// <summary>Re-runs a producer step with the given reason; returns its record.</summary>
    public delegate Task<StepRecord> Rerun(StepPlan producer, string reason, CancellationToken cancellationToken);

    private readonly ConcurrentDictionary<string, Lazy<Task<string?>>> _checks = new(StringComparer.Ordinal);

    /// <summary>Null when every input is intact (after any repair), else why the step cannot run.</summary>
    public async Task<string?> EnsureAsync(StepPlan consumer, ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> known,
        Rerun rerun, CancellationToken cancellationToken)
    {
        foreach (var producer in consumer.Step.DependsOn)
        {
            if (!known.TryGetValue(producer, out var outputs)) continue;
            foreach (var (output, digest) in outputs)
            {
                // Every reader of one artifact awaits the same check, so it is repaired once, not once per reader.
                var check = _checks.GetOrAdd(digest, d => new Lazy<Task<string?>>(() => CheckAsync(consumer, producer, output, d, rerun, cancellationToken)));
                if (await check.Value is { } error) return error;
            }
        }
        return null;
    }

    private async Task<string?> CheckAsync(StepPlan consumer, string producer, string output, string digest, Rerun rerun, CancellationToken cancellationToken)
    {
        var problems = await Task.Run(() => store.Problems(digest), cancellationToken);
        if (problems.Count == 0) return null;
        var moved = store.Quarantine(digest);
        var damage = $"input '{producer}.{output}' ({store.PathOf(digest)}) is damaged: {problems[0]}" +
                     (problems.Count > 1 ? $" (+{problems.Count - 1} more)" : "") + (moved is null ? "" : $"; moved to {moved}");
        observer.StepLog(consumer.Step.Name, StepLogLevel.Warning, $"{damage}; re-running '{producer}'");
        var producerPlan = plan.Steps.First(p => p.Step.Name == producer);
        var result = await rerun(producerPlan, $"re-run: its output '{output}' was damaged (moved to {moved ?? "quarantine"})", cancellationToken);
        return result.State is StepState.Succeeded or StepState.Cached ? null
            : $"{damage}; re-running '{producer}' to repair it ended {result.State.ToString().ToLowerInvariant()}: {result.Error}";
    }
}
