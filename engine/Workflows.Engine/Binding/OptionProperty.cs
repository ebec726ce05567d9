using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Runtime.CompilerServices;
using Workflows.Engine.Steps;

namespace Workflows.Engine.Binding;

/// <summary>What binding needs to know about one option property, read from its attributes once per type:
/// reading custom attributes is reflection over metadata, and a 1,000-step workflow binds each step's
/// options several times (validate, fingerprint, run), which made attribute reads a large share of planning.</summary>
internal sealed record OptionProperty(PropertyInfo Info, InputAttribute? Input, bool Required, RangeAttribute? Range, MinLengthAttribute? MinLength)
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyDictionary<string, OptionProperty>> Cache = new();

    /// <summary>The options type's properties as <see cref="OptionNames.Properties"/> lists them, with their attributes.</summary>
    public static IReadOnlyDictionary<string, OptionProperty> Of(Type type) =>
        Cache.GetOrAdd(type, t => OptionNames.Properties(t).ToDictionary(p => p.Key, p => new OptionProperty(p.Value,
            p.Value.GetCustomAttribute<InputAttribute>(), p.Value.IsDefined(typeof(RequiredMemberAttribute)),
            p.Value.GetCustomAttribute<RangeAttribute>(), p.Value.GetCustomAttribute<MinLengthAttribute>()), StringComparer.Ordinal));
}
