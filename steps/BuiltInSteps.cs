using Workflows.Engine.Steps;

namespace Workflows.Steps;

/// <summary>The step library shipped with `wf`: one registration line per step type.</summary>
public sealed class BuiltInSteps : IStepLibrary
{
    public void Register(IStepRegistry registry)
    {
    }
}
