using System.Reflection;
using System.Text.Json;

namespace Workflows.Engine.Binding;

/// <summary>The one naming rule between C# options records and YAML: snake_case, as in
/// <see cref="JsonNamingPolicy.SnakeCaseLower"/> (so the canonical JSON and the YAML agree).</summary>
public static class OptionNames
{
    public static string Of(string pascalName) => JsonNamingPolicy.SnakeCaseLower.ConvertName(pascalName);

    /// <summary>The public, writable properties of an options type, in declaration order, keyed by YAML name.</summary>
    public static IReadOnlyDictionary<string, PropertyInfo> Properties(Type type) =>
        Cache.GetOrAdd(type, t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
            .OrderBy(p => p.MetadataToken)
            .ToDictionary(p => Of(p.Name), p => p, StringComparer.Ordinal));

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, IReadOnlyDictionary<string, PropertyInfo>> Cache = new();
}
