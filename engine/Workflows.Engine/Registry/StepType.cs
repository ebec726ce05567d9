using Workflows.Engine.Steps;

namespace Workflows.Engine.Registry;

/// <summary>Everything the engine knows about one step type, read from its attributes.</summary>
public sealed class StepType
{
    public required string Name { get; init; }
    public required int Version { get; init; }
    public required string Description { get; init; }
    public required bool UsesDevice { get; init; }
    public required Type OptionsType { get; init; }
    public required Type ImplementationType { get; init; }
    public required IReadOnlyList<StepOutputAttribute> Outputs { get; init; }

    /// <summary>The assembly the step came from, for "defined twice" messages and run records.</summary>
    public required string Library { get; init; }

    internal Func<object, IStepContext, CancellationToken, Task<StepResult>> Invoke { get; init; } = null!;

    public StepOutputAttribute? Output(string name) => Outputs.FirstOrDefault(o => o.Name == name);
}
