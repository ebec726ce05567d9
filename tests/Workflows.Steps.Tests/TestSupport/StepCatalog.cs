using System.Reflection;
using Workflows.Engine.Steps;

namespace Workflows.Steps.Tests.TestSupport;

/// <summary>Collects the built-in registrations: step name → (step type, options type).</summary>
internal sealed class StepCatalog : IStepRegistry
{
    public Dictionary<string, (Type Step, Type Options)> Steps { get; } = [];

    public static StepCatalog BuiltIn()
    {
        var catalog = new StepCatalog();
        new BuiltInSteps().Register(catalog);
        return catalog;
    }

    public void Add<TStep, TOptions>() where TStep : IStep<TOptions>, new() where TOptions : class =>
        Steps.Add(typeof(TStep).GetCustomAttribute<StepAttribute>()!.Name, (typeof(TStep), typeof(TOptions)));
}
