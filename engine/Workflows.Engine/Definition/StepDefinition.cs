using Workflows.Engine.Yaml;

namespace Workflows.Engine.Definition;

/// <summary>One entry under <c>steps:</c>.</summary>
public sealed record StepDefinition
{
    public required string Name { get; init; }

    /// <summary>Where the step's name is written.</summary>
    public required SourceMark Mark { get; init; }

    /// <summary>The step type (<c>uses:</c>).</summary>
    public required string Uses { get; init; }

    public required SourceMark UsesMark { get; init; }

    /// <summary>The raw <c>with:</c> mapping, bound later against the step type's options record.</summary>
    public YamlMapping? With { get; init; }

    /// <summary>Explicit ordering edges besides those the references imply.</summary>
    public required IReadOnlyList<(string Name, SourceMark Mark)> Needs { get; init; }

    /// <summary>Optional wall-clock limit; the step fails when it runs longer.</summary>
    public double? TimeoutMinutes { get; init; }

    /// <summary>What the step asks a cluster scheduler for (<c>resources:</c>); null when not written.</summary>
    public StepResources? Resources { get; init; }
}
