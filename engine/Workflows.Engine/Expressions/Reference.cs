namespace Workflows.Engine.Expressions;

/// <summary>What a <c>${{ … }}</c> expression points at.</summary>
public abstract record Reference;

/// <summary><c>${{ steps.STEP.outputs.OUTPUT }}</c>: an artifact produced upstream, and so a graph edge.</summary>
public sealed record StepOutputReference(string Step, string Output) : Reference
{
    public override string ToString() => $"steps.{Step}.outputs.{Output}";
}

/// <summary><c>${{ params.NAME }}</c>.</summary>
public sealed record ParamReference(string Name) : Reference
{
    public override string ToString() => $"params.{Name}";
}

/// <summary><c>${{ workflow.name }}</c> or <c>${{ workflow.version }}</c>.</summary>
public sealed record WorkflowFieldReference(string Field) : Reference
{
    public override string ToString() => $"workflow.{Field}";
}
