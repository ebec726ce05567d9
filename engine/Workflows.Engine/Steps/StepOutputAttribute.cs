namespace Workflows.Engine.Steps;

/// <summary>Declares one named, typed output of a step (<c>${{ steps.X.outputs.NAME }}</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class StepOutputAttribute(string name, ArtifactKind kind) : Attribute
{
    public string Name { get; } = name;
    public ArtifactKind Kind { get; } = kind;

    /// <summary>True when the step may leave this output out (e.g. a test split with ratio 0).</summary>
    public bool Optional { get; init; }

    public string Description { get; init; } = "";
}
