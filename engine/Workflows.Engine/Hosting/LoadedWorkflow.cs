using Workflows.Engine.Diagnostics;
using Workflows.Engine.Registry;
using Workflows.Engine.Storage;
using Workflows.Engine.Validation;

namespace Workflows.Engine.Hosting;

/// <summary>The result of loading a workflow file: the validated workflow, or every diagnostic.</summary>
public sealed record LoadedWorkflow(ValidatedWorkflow? Workflow, IReadOnlyList<Diagnostic> Diagnostics, StepRegistry Registry, ProjectLayout Layout, string? Text)
{
    public bool IsValid => Workflow is not null && Diagnostics.Count == 0;
}
