using Workflows.Engine.Steps;

namespace Custom.Steps;

/// <summary>This library's registration: one line per step type, exactly like the built-in library.</summary>
public sealed class CustomSteps : IStepLibrary
{
    public void Register(IStepRegistry registry) => registry.Add<WordCountStep, WordCountOptions>();
}
