using Workflows.Engine.Binding;
using Workflows.Engine.Definition;
using Workflows.Engine.Registry;
using Workflows.Engine.Steps;
using Workflows.Engine.Yaml;

namespace Workflows.Engine.Validation;

/// <summary>Checks references while binding: the step and output exist, kinds agree, files exist.</summary>
internal sealed class ValidationResolver(WorkflowDefinition workflow, IReadOnlyDictionary<string, StepDefinition> stepsByName, StepRegistry registry, string projectRoot, string currentStep) : IReferenceResolver
{
    public YamlNode? Param(string name) => workflow.Params.GetValueOrDefault(name);

    public string? WorkflowField(string field) => WorkflowFields.Value(workflow, field);

    public string? Input(InputValue input, ArtifactKind expected, Action<string, string?> report)
    {
        if (input.Reference is { } reference)
        {
            var producer = stepsByName.GetValueOrDefault(reference.Step);
            if (producer is null)
            {
                report($"unknown step '{reference.Step}' in '{reference}'", Diagnostics.Suggestions.Hint(reference.Step, workflow.Steps.Select(s => s.Name).ToList()));
                return null;
            }
            if (producer.Name == currentStep)
            {
                report($"a step cannot use its own output ('{reference}')", null);
                return null;
            }
            var type = registry.Find(producer.Uses);
            if (type is null) return input.ToString(); // the unknown type is reported on its own line
            var output = type.Output(reference.Output);
            if (output is null)
            {
                report($"step '{reference.Step}' ({type.Name}) has no output '{reference.Output}'", $"its outputs: {string.Join(", ", type.Outputs.Select(o => o.Name))}");
                return null;
            }
            if (expected != ArtifactKind.Any && output.Kind != ArtifactKind.Any && output.Kind != expected)
            {
                report($"expects a {Lower(expected)} but '{reference}' is a {Lower(output.Kind)}", $"use an output of type {Lower(expected)}");
                return null;
            }
            return input.ToString();
        }
        var path = Path.GetFullPath(input.Path!, projectRoot);
        if (File.Exists(path) || Directory.Exists(path)) return path;
        report($"'{input.Path}' not found (looked at {path})", "fix the path; relative paths start at the project root");
        return null;
    }

    private static string Lower(ArtifactKind kind) => kind.ToString().ToLowerInvariant();
}
