namespace Workflows.Engine.Steps;

/// <summary>A set of step types. The built-in library and external assemblies named under
/// <c>libraries:</c> each expose one public class implementing this with a parameterless constructor.</summary>
public interface IStepLibrary
{
    /// <summary>Registers each step type, one line each: <c>registry.Add&lt;IngestStep, IngestOptions&gt;();</c></summary>
    void Register(IStepRegistry registry);
}

/// <summary>Where libraries add their step types.</summary>
public interface IStepRegistry
{
    /// <summary>Adds a step type described by <typeparamref name="TStep"/>'s <see cref="StepAttribute"/>.</summary>
    void Add<TStep, TOptions>() where TStep : IStep<TOptions>, new() where TOptions : class;
}
