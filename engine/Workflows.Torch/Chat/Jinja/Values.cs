using System.Globalization;
using System.Text.Json;

namespace Workflows.Torch.Chat.Jinja;

/// <summary>Python semantics of template values: null is <c>none</c>, integers are long, floats
/// double, lists <see cref="List{T}"/>, mappings insertion-ordered dictionaries.</summary>
internal static class Values
{
    public static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var l) ? l : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => element.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.Object => ToDictionary(element.EnumerateObject().Select(p => new KeyValuePair<string, object?>(p.Name, FromJson(p.Value)))),
        _ => null,
    };

    public static OrderedDictionary<string, object?> ToDictionary(IEnumerable<KeyValuePair<string, object?>> pairs)
    {
        var dictionary = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in pairs) dictionary[key] = value;
        return dictionary;
    }

    public static bool IsTrue(object? value) => value switch
    {
        null or Undefined => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        List<object?> list => list.Count > 0,
        OrderedDictionary<string, object?> dict => dict.Count > 0,
        _ => true,
    };

    /// <summary>What <c>{{ value }}</c> prints.</summary>
    public static string Str(object? value) => value switch
    {
        string s => s,
        Undefined => "",
        null => "None",
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => FormatFloat(d),
        List<object?> list => "[" + string.Join(", ", list.Select(Repr)) + "]",
        OrderedDictionary<string, object?> dict => "{" + string.Join(", ", dict.Select(p => Repr(p.Key) + ": " + Repr(p.Value))) + "}",
        _ => value.ToString() ?? "",
    };

    private static string Repr(object? value) => value is string s ? "'" + s.Replace("\\", "\\\\").Replace("'", "\\'") + "'" : Str(value);

    public static string FormatFloat(double d) =>
        double.IsInteger(d) && Math.Abs(d) < 1e16 ? d.ToString("0.0", CultureInfo.InvariantCulture) : d.ToString("R", CultureInfo.InvariantCulture);

    public static new bool Equals(object? left, object? right) => (left, right) switch
    {
        (null, null) or (Undefined, Undefined) => true,
        (long a, long b) => a == b,
        (long or double, long or double) => Convert.ToDouble(left, CultureInfo.InvariantCulture) == Convert.ToDouble(right, CultureInfo.InvariantCulture),
        (bool a, bool b) => a == b,
        (string a, string b) => string.Equals(a, b, StringComparison.Ordinal),
        (List<object?> a, List<object?> b) => a.Count == b.Count && a.Zip(b).All(p => Equals(p.First, p.Second)),
        (OrderedDictionary<string, object?> a, OrderedDictionary<string, object?> b) =>
            a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && Equals(p.Value, v)),
        _ => ReferenceEquals(left, right),
    };

    public static int Compare(object? left, object? right, int line) => (left, right) switch
    {
        (long a, long b) => a.CompareTo(b),
        (long or double, long or double) => Convert.ToDouble(left, CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(right, CultureInfo.InvariantCulture)),
        (string a, string b) => string.CompareOrdinal(a, b),
        _ => throw new JinjaException($"line {line}: cannot compare {TypeName(left)} with {TypeName(right)}"),
    };

    public static string TypeName(object? value) => value switch
    {
        null => "none",
        Undefined => "undefined",
        bool => "boolean",
        long => "integer",
        double => "float",
        string => "string",
        List<object?> => "list",
        OrderedDictionary<string, object?> => "mapping",
        Namespace => "namespace",
        _ => value.GetType().Name,
    };

    /// <summary>The items a <c>for</c> loop or filter walks: list items, string characters, mapping keys.</summary>
    public static List<object?> Iterate(object? value, int line) => value switch
    {
        List<object?> list => list,
        string s => s.EnumerateRunes().Select(r => (object?)r.ToString()).ToList(),
        OrderedDictionary<string, object?> dict => dict.Keys.Select(k => (object?)k).ToList(),
        Undefined or null => [],
        _ => throw new JinjaException($"line {line}: cannot iterate over {TypeName(value)}"),
    };
}
