using System.Collections;
using System.Collections.Concurrent;

namespace Workflows.Engine.Binding;

/// <summary>Recognises the collection shapes options records may use.</summary>
internal static class CollectionTypes
{
    private static readonly Type[] ListDefinitions =
        [typeof(List<>), typeof(IList<>), typeof(IReadOnlyList<>), typeof(IEnumerable<>), typeof(ICollection<>), typeof(IReadOnlyCollection<>)];

    private static readonly Type[] DictionaryDefinitions =
        [typeof(Dictionary<,>), typeof(IDictionary<,>), typeof(IReadOnlyDictionary<,>)];

    // Reflection answers, kept per type: binding asks them for every list option of every step, every bind.
    private static readonly ConcurrentDictionary<Type, Type?> Elements = new();
    private static readonly ConcurrentDictionary<Type, Type?> Values = new();
    private static readonly ConcurrentDictionary<Type, Type> Lists = new();
    private static readonly ConcurrentDictionary<Type, Type> Dictionaries = new();

    public static Type? ElementOfList(Type type) => Elements.GetOrAdd(type, static type =>
    {
        if (type.IsArray) return type.GetElementType();
        return type.IsGenericType && ListDefinitions.Contains(type.GetGenericTypeDefinition()) ? type.GetGenericArguments()[0] : null;
    });

    public static Type? ValueOfDictionary(Type type) => Values.GetOrAdd(type, static type =>
        type.IsGenericType && DictionaryDefinitions.Contains(type.GetGenericTypeDefinition()) && type.GetGenericArguments()[0] == typeof(string)
            ? type.GetGenericArguments()[1]
            : null);

    /// <summary>A new <c>List&lt;element&gt;</c>.</summary>
    public static IList NewList(Type element) => (IList)Activator.CreateInstance(Lists.GetOrAdd(element, static e => typeof(List<>).MakeGenericType(e)))!;

    /// <summary>A new <c>Dictionary&lt;string, value&gt;</c>.</summary>
    public static IDictionary NewDictionary(Type value) =>
        (IDictionary)Activator.CreateInstance(Dictionaries.GetOrAdd(value, static v => typeof(Dictionary<,>).MakeGenericType(typeof(string), v)))!;

    public static Array ToArray(IList list, Type element)
    {
        var array = Array.CreateInstance(element, list.Count);
        list.CopyTo(array, 0);
        return array;
    }
}
