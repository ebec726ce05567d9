using System.Reflection;
using Workflows.Engine.Steps;

namespace Workflows.Engine.Registry;

/// <summary>The step types available to a workflow: the built-in library plus any loaded ones.</summary>
public sealed class StepRegistry : IStepRegistry
{
    private readonly Dictionary<string, StepType> _types = new(StringComparer.Ordinal);

    public IReadOnlyCollection<StepType> Types => _types.Values;

    public IReadOnlyCollection<string> Names => _types.Keys;

    public StepType? Find(string name) => _types.GetValueOrDefault(name);

    public void AddLibrary(IStepLibrary library) => library.Register(this);

    public void Add<TStep, TOptions>() where TStep : IStep<TOptions>, new() where TOptions : class
    {
        var attribute = typeof(TStep).GetCustomAttribute<StepAttribute>()
            ?? throw new StepLibraryException($"{typeof(TStep).FullName} has no [Step(\"name\")] attribute");
        var library = typeof(TStep).Assembly.GetName().Name ?? "?";
        if (_types.TryGetValue(attribute.Name, out var existing))
            throw new StepLibraryException($"step type '{attribute.Name}' is defined twice: by {existing.Library} ({existing.ImplementationType.FullName}) and by {library} ({typeof(TStep).FullName}); remove one of the libraries or rename one step type");
        _types[attribute.Name] = new StepType
        {
            Name = attribute.Name,
            Version = attribute.Version,
            Description = attribute.Description,
            UsesDevice = attribute.UsesDevice,
            OptionsType = typeof(TOptions),
            ImplementationType = typeof(TStep),
            Outputs = typeof(TStep).GetCustomAttributes<StepOutputAttribute>().ToList(),
            Library = library,
            Invoke = (options, context, ct) => new TStep().RunAsync((TOptions)options, context, ct),
        };
    }
}
