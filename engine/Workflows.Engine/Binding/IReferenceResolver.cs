using Workflows.Engine.Expressions;
using Workflows.Engine.Steps;
using Workflows.Engine.Yaml;

namespace Workflows.Engine.Binding;

/// <summary>Gives values to references while options are bound. One binder serves three passes with
/// different resolvers: validation (checks, placeholders), fingerprinting (content digests) and
/// execution (absolute paths).</summary>
public interface IReferenceResolver
{
    /// <summary>The param's node, or null when it does not exist.</summary>
    YamlNode? Param(string name);

    /// <summary><c>workflow.name</c> and friends; null when unknown.</summary>
    string? WorkflowField(string field);

    /// <summary>The value an artifact input takes: a path, a digest or a placeholder. Returns null and
    /// adds a diagnostic through <paramref name="report"/> when the input is wrong.</summary>
    string? Input(InputValue input, ArtifactKind expected, Action<string, string?> report);
}

/// <summary>An artifact input as written: a reference to an upstream output, or a path.</summary>
public sealed record InputValue(StepOutputReference? Reference, string? Path, SourceMark Mark, string OptionKey)
{
    public override string ToString() => Reference?.ToString() ?? Path ?? "";
}
