using Workflows.Engine.Binding;
using Workflows.Engine.Definition;
using Workflows.Engine.Registry;

namespace Workflows.Engine.Validation;

/// <summary>A step whose type is known and whose options bound cleanly.</summary>
/// <param name="Inputs">Artifact inputs as written (references and paths).</param>
/// <param name="DependsOn">Upstream step names: referenced outputs plus <c>needs:</c>.</param>
public sealed record ValidatedStep(StepDefinition Definition, StepType Type, IReadOnlyList<InputValue> Inputs, IReadOnlySet<string> DependsOn)
{
    public string Name => Definition.Name;
}
