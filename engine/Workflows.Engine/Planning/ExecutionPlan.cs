using Workflows.Engine.Validation;

namespace Workflows.Engine.Planning;

/// <summary>The planned steps in execution order, or the errors that stop the selection from running.</summary>
public sealed record ExecutionPlan(ValidatedWorkflow Workflow, StepSelection Selection, IReadOnlyList<StepPlan> Steps, IReadOnlyList<string> Errors)
{
    public StepPlan Step(string name) => Steps.First(s => s.Step.Name == name);
}
