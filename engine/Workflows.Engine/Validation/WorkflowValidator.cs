using Workflows.Engine.Binding;
using Workflows.Engine.Definition;
using Workflows.Engine.Diagnostics;
using Workflows.Engine.Registry;

namespace Workflows.Engine.Validation;

/// <summary>Checks a parsed workflow against the step registry: types, options, references, needs and
/// cycles, all in one pass. Returns null when anything is wrong (see the diagnostics).</summary>
public static class WorkflowValidator
{
    public static ValidatedWorkflow? Validate(WorkflowDefinition workflow, StepRegistry registry, string projectRoot, DiagnosticList diagnostics)
    {
        var steps = new List<ValidatedStep>();
        var names = workflow.Steps.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var stepsByName = workflow.Steps.DistinctBy(s => s.Name).ToDictionary(s => s.Name, StringComparer.Ordinal);
        foreach (var step in workflow.Steps)
        {
            var needs = CheckNeeds(step, names, diagnostics);
            var type = registry.Find(step.Uses);
            if (type is null)
            {
                if (step.Uses.Length > 0)
                    diagnostics.Add(step.UsesMark, step.Name, $"unknown step type '{step.Uses}'", UnknownTypeHint(step.Uses, registry));
                continue;
            }
            var binder = new OptionsBinder(new ValidationResolver(workflow, stepsByName, registry, projectRoot, step.Name), diagnostics, step.Name);
            binder.Bind(type.OptionsType, step.With, step.Mark);

            var dependsOn = binder.Inputs.Where(i => i.Reference is not null).Select(i => i.Reference!.Step).ToHashSet(StringComparer.Ordinal);
            dependsOn.UnionWith(needs);
            dependsOn.IntersectWith(names);
            steps.Add(new ValidatedStep(step, type, binder.Inputs, dependsOn));
        }
        var order = TopologicalOrder(steps, diagnostics);
        return diagnostics.HasErrors || order is null ? null : new ValidatedWorkflow(workflow, projectRoot, order);
    }

    private static List<string> CheckNeeds(StepDefinition step, HashSet<string> names, DiagnosticList diagnostics)
    {
        var needs = new List<string>();
        foreach (var (need, mark) in step.Needs)
        {
            if (!names.Contains(need))
                diagnostics.Add(mark, step.Name, $"needs unknown step '{need}'", Suggestions.Hint(need, names));
            else if (need == step.Name)
                diagnostics.Add(mark, step.Name, "a step cannot need itself", null);
            else
                needs.Add(need);
        }
        return needs;
    }

    private static string UnknownTypeHint(string uses, StepRegistry registry)
    {
        var known = registry.Names.Order(StringComparer.Ordinal).ToList();
        if (known.Count == 0) return "no step types are registered; add a library under 'libraries:'";
        var closest = Suggestions.Closest(uses, known);
        return (closest is null ? "" : $"did you mean '{closest}'? ") + $"known step types: {string.Join(", ", known)}";
    }

    /// <summary>Kahn's algorithm, taking ready steps in file order so plans are stable. When steps are
    /// left over they sit on or behind a cycle; one cycle is named so the user can break it.</summary>
    private static List<ValidatedStep>? TopologicalOrder(List<ValidatedStep> steps, DiagnosticList diagnostics)
    {
        var index = steps.Select((s, i) => (s.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        var waitingOn = steps.Select(s => s.DependsOn.Count(index.ContainsKey)).ToArray();
        var dependents = steps.Select(_ => new List<int>()).ToArray();
        foreach (var (step, i) in steps.Select((s, i) => (s, i)))
            foreach (var dependency in step.DependsOn.Where(index.ContainsKey))
                dependents[index[dependency]].Add(i);
        var ready = new SortedSet<int>(Enumerable.Range(0, steps.Count).Where(i => waitingOn[i] == 0));
        var order = new List<ValidatedStep>(steps.Count);
        while (ready.Count > 0)
        {
            var next = ready.Min;
            ready.Remove(next);
            order.Add(steps[next]);
            foreach (var dependent in dependents[next])
                if (--waitingOn[dependent] == 0) ready.Add(dependent);
        }
        if (order.Count == steps.Count) return order;
        var byName = steps.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var stuck = steps.Where((_, i) => waitingOn[i] > 0).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var cycle = FindCycle(byName, stuck);
        var first = byName[cycle[0]];
        diagnostics.Add(first.Definition.Mark, first.Name, $"the steps form a cycle: {string.Join(" → ", cycle)}", "remove one reference or 'needs' entry so the graph has no loop");
        return null;
    }

    private static List<string> FindCycle(Dictionary<string, ValidatedStep> byName, HashSet<string> stuck)
    {
        // Every stuck step has a stuck dependency, so walking dependencies must revisit a step.
        var path = new List<string>();
        var current = byName.Values.First(s => stuck.Contains(s.Name)).Name;
        while (!path.Contains(current))
        {
            path.Add(current);
            current = byName[current].DependsOn.Where(stuck.Contains).Order(StringComparer.Ordinal).First();
        }
        var cycle = path[path.IndexOf(current)..];
        cycle.Reverse(); // dependency order reads as data flow: producer → consumer
        cycle.Add(cycle[0]);
        return cycle;
    }
}
