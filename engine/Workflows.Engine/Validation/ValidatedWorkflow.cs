using Workflows.Engine.Definition;

namespace Workflows.Engine.Validation;

/// <summary>A workflow that passed validation: steps in a deterministic topological order.</summary>
public sealed class ValidatedWorkflow
{
    private readonly Dictionary<string, ValidatedStep> _byName;

    public ValidatedWorkflow(WorkflowDefinition definition, string projectRoot, IReadOnlyList<ValidatedStep> order)
    {
        Definition = definition;
        ProjectRoot = projectRoot;
        Order = order;
        _byName = order.ToDictionary(s => s.Name, StringComparer.Ordinal);
    }

    public WorkflowDefinition Definition { get; }

    /// <summary>Relative paths in the workflow resolve against this folder; <c>.wf/</c> lives here.</summary>
    public string ProjectRoot { get; }

    /// <summary>Every step, each after all the steps it depends on; ties keep file order.</summary>
    public IReadOnlyList<ValidatedStep> Order { get; }

    public ValidatedStep Step(string name) => _byName[name];

    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The named step and every step that depends on it, directly or not.</summary>
    public IReadOnlySet<string> Downstream(string name)
    {
        var result = new HashSet<string>(StringComparer.Ordinal) { name };
        foreach (var step in Order)
            if (step.DependsOn.Any(result.Contains)) result.Add(step.Name);
        return result;
    }

    /// <summary>Every step the named step depends on, directly or not (not the step itself).</summary>
    public IReadOnlySet<string> Ancestors(string name)
    {
        var result = new HashSet<string>(_byName[name].DependsOn, StringComparer.Ordinal);
        foreach (var step in Order.Reverse())
            if (result.Contains(step.Name)) result.UnionWith(step.DependsOn);
        return result;
    }
}
