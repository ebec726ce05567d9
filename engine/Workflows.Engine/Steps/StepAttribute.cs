namespace Workflows.Engine.Steps;

/// <summary>Declares a class as a step type. The name is what workflows write in <c>uses:</c>.</summary>
/// <remarks>Bump <see cref="Version"/> whenever the step's output for the same options and inputs changes:
/// the version is part of the fingerprint, so old cache entries stop matching.</remarks>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class StepAttribute(string name) : Attribute
{
    /// <summary>The step type name, lower-case with dashes or underscores (e.g. <c>ingest</c>).</summary>
    public string Name { get; } = name;

    /// <summary>Implementation version, part of the fingerprint. Default 1.</summary>
    public int Version { get; init; } = 1;

    /// <summary>One line shown in <c>wf steps</c> and in the schema.</summary>
    public string Description { get; init; } = "";

    /// <summary>True when the step runs models on the shared device: the engine then holds a device lease
    /// for the whole step so two such steps never use the device at once.</summary>
    public bool UsesDevice { get; init; }
}
