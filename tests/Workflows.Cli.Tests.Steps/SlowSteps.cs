using Workflows.Engine.Steps;

namespace Workflows.Cli.Tests.Steps;

/// <summary>Registers the test-only <c>slow</c> step.</summary>
public sealed class SlowSteps : IStepLibrary
{
    public void Register(IStepRegistry registry) => registry.Add<SlowStep, SlowOptions>();
}
