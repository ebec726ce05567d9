using Workflows.Engine.Steps;

namespace Workflows.Cli.Bench;

/// <summary>The benchmark's own step library (never offered to real workflows).</summary>
public sealed class BenchStepLibrary : IStepLibrary
{
    public void Register(IStepRegistry registry) => registry.Add<NoOpStep, NoOpOptions>();
}
