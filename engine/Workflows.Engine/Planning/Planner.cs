using Workflows.Engine.Caching;
using Workflows.Engine.Storage;
using Workflows.Engine.Validation;

namespace Workflows.Engine.Planning;

/// <summary>Decides, before anything runs, which steps run and which come from the cache, and says why.</summary>
public sealed class Planner(ProjectLayout layout)
{
    private readonly ArtifactStore _store = new(layout);

    public ExecutionPlan Plan(ValidatedWorkflow workflow, StepSelection selection)
    {
        var errors = selection.NamedSteps().Where(n => !workflow.Contains(n))
            .Select(n => $"no step named '{n}' in {workflow.Definition.SourcePath}; steps: {string.Join(", ", workflow.Order.Select(s => s.Name))}")
            .ToList();
        if (errors.Count > 0) return new ExecutionPlan(workflow, selection, [], errors);

        var cache = new RunCache(layout, _store);
        var snapshots = new StepSnapshotStore(layout);
        var binding = new StepBinding(workflow, _store);
        var selected = Selected(workflow, selection);
        var forced = selection.Only is { } only ? new HashSet<string> { only }
            : selection.From is not null ? selected : selection.Force;
        var needed = Upstream(workflow, selected);
        var known = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        var plans = new List<StepPlan>();
        var rerunOfCached = new Dictionary<string, string>(StringComparer.Ordinal);   // step → the forced step it waits on

        foreach (var step in workflow.Order)
        {
            if (!selected.Contains(step.Name) && !needed.Contains(step.Name))
            {
                plans.Add((new StepPlan(step, StepDecision.NotSelected, "not selected", false, null, null)));
                continue;
            }
            var fingerprint = binding.Fingerprint(step, known);
            var entry = fingerprint.Fingerprint is { } fp ? cache.Lookup(fp) : null;
            var isForced = forced.Contains(step.Name) && selected.Contains(step.Name) && !selection.Completed.Contains(step.Name);
            if (entry is not null && !isForced)
            {
                known[step.Name] = entry.Outputs;
                plans.Add((new StepPlan(step, StepDecision.Cached, $"cached (outputs of run {entry.RunId})", false, fingerprint.Fingerprint, entry)));
                continue;
            }
            if (!selected.Contains(step.Name))
            {
                var target = selection.Only ?? selection.From;
                errors.Add($"step '{target}' needs the outputs of '{step.Name}', which are not cached ({RunReason.Explain(step, fingerprint, snapshots, workflow)}); run `wf run {workflow.Definition.SourcePath} --from {step.Name}` or the whole workflow first");
            }
            var reason = isForced ? ForcedReason(selection) : RunReason.Explain(step, fingerprint, snapshots, workflow);
            // A forced step whose outputs are cached reproduces them (same fingerprint, same bytes), so
            // what waits on it is expected to come from the cache once its outputs are known.
            if (isForced && entry is not null) rerunOfCached[step.Name] = step.Name;
            else if (fingerprint.WaitingFor is { } upstream && rerunOfCached.TryGetValue(upstream, out var origin))
            {
                rerunOfCached[step.Name] = origin;
                reason += $"; cached if forced '{origin}' reproduces its outputs";
            }
            plans.Add((new StepPlan(step, StepDecision.Run, reason, isForced, fingerprint.Fingerprint, null)));
        }
        return new ExecutionPlan(workflow, selection, plans, errors);

    }

    private static string ForcedReason(StepSelection selection) =>
        selection.Only is not null ? "forced (--step)" : selection.From is not null ? $"forced (--from {selection.From})" : "forced (--force)";

    private static HashSet<string> Selected(ValidatedWorkflow workflow, StepSelection selection)
    {
        if (selection.Only is { } only) return [only];
        if (selection.From is { } from) return workflow.Downstream(from).ToHashSet(StringComparer.Ordinal);
        return workflow.Order.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Steps outside the selection whose outputs the selection reads.</summary>
    private static HashSet<string> Upstream(ValidatedWorkflow workflow, HashSet<string> selected)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var step in workflow.Order.Reverse())
            if (selected.Contains(step.Name) || result.Contains(step.Name))
                foreach (var dependency in step.DependsOn)
                    if (!selected.Contains(dependency)) result.Add(dependency);
        return result;
    }
}
