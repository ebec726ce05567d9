namespace Workflows.Engine.Steps;

/// <summary>Marks a string option (or a list of strings) as an artifact input: either a reference to an
/// upstream output (<c>${{ steps.X.outputs.Y }}</c>) or a path to a file or folder on disk.</summary>
/// <remarks>Before the step runs, the engine replaces the value with an absolute path (the artifact's
/// folder in the store, or the resolved file path). The fingerprint uses the content digest of what the
/// path holds, never the path itself, so moving the project or the store keeps cache hits.</remarks>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class InputAttribute(ArtifactKind kind) : Attribute
{
    public ArtifactKind Kind { get; } = kind;
}
