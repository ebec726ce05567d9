using System.Collections;

namespace Workflows.Engine.Binding;

/// <summary>Recognises the collection shapes options records may use.</summary>
internal static class CollectionTypes
{
    private static readonly Type[] ListDefinitions =
        [typeof(List<>), typeof(IList<>), typeof(IReadOnlyList<>), typeof(IEnumerable<>), typeof(ICollection<>), typeof(IReadOnlyCollection<>)];

    private static readonly Type[] DictionaryDefinitions =
        [typeof(Dictionary<,>), typeof(IDictionary<,>), typeof(IReadOnlyDictionary<,>)];

    public static Type? ElementOfList(Type type)
    {
        if (type.IsArray) return type.GetElementType();
        return type.IsGenericType && ListDefinitions.Contains(type.GetGenericTypeDefinition()) ? type.GetGenericArguments()[0] : null;
    }

    public static Type? ValueOfDictionary(Type type) =>
        type.IsGenericType && DictionaryDefinitions.Contains(type.GetGenericTypeDefinition()) && type.GetGenericArguments()[0] == typeof(string)
            ? type.GetGenericArguments()[1]
            : null;

    public static Array ToArray(IList list, Type element)
    {
        var array = Array.CreateInstance(element, list.Count);
        list.CopyTo(array, 0);
        return array;
    }
}
