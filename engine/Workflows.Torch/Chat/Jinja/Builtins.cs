namespace Workflows.Torch.Chat.Jinja;

/// <summary>Attributes and methods of values: mapping keys, <c>dict.items()/keys()/values()/get()</c>,
/// and the string methods chat templates call (<c>startswith</c>, <c>split</c>, <c>strip</c>…).</summary>
internal static partial class Builtins
{
    public static object? Attribute(object? target, string name, int line)
    {
        switch (target)
        {
            case OrderedDictionary<string, object?> dict:
                if (dict.TryGetValue(name, out var value)) return value;
                return DictionaryMethod(dict, name) ?? (object?)Undefined.Instance;
            case Namespace ns:
                return ns.Values.TryGetValue(name, out var field) ? field : Undefined.Instance;
            case string s:
                return StringMethod(s, name, line) ?? (object?)Undefined.Instance;
            default:
                return Undefined.Instance;
        }
    }

    private static JinjaFunction? DictionaryMethod(OrderedDictionary<string, object?> dict, string name) => name switch
    {
        "items" => (_, _) => dict.Select(p => (object?)new List<object?> { p.Key, p.Value }).ToList(),
        "keys" => (_, _) => dict.Keys.Select(k => (object?)k).ToList(),
        "values" => (_, _) => dict.Values.ToList(),
        "get" => (args, _) => args.Count > 0 && args[0] is string key && dict.TryGetValue(key, out var v) ? v : args.Count > 1 ? args[1] : null,
        _ => null,
    };

    private static JinjaFunction? StringMethod(string s, string name, int line) => name switch
    {
        "startswith" => (args, _) => Prefixes(args, line).Any(p => s.StartsWith(p, StringComparison.Ordinal)),
        "endswith" => (args, _) => Prefixes(args, line).Any(p => s.EndsWith(p, StringComparison.Ordinal)),
        "strip" => (args, _) => Chars(args) is { } chars ? s.Trim(chars) : s.Trim(),
        "lstrip" => (args, _) => Chars(args) is { } chars ? s.TrimStart(chars) : s.TrimStart(),
        "rstrip" => (args, _) => Chars(args) is { } chars ? s.TrimEnd(chars) : s.TrimEnd(),
        "upper" => (_, _) => s.ToUpperInvariant(),
        "lower" => (_, _) => s.ToLowerInvariant(),
        "title" => (_, _) => Title(s),
        "capitalize" => (_, _) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant(),
        "replace" => (args, _) => Replace(s, args, line),
        "split" => (args, _) => Split(s, args.Count > 0 ? args[0] : null, args.Count > 1 && args[1] is long max ? max : -1),
        "join" => (args, _) => string.Join(s, Values.Iterate(args.Count > 0 ? args[0] : null, line).Select(Values.Str)),
        "find" => (args, _) => (long)s.IndexOf(args.Count > 0 ? Values.Str(args[0]) : "", StringComparison.Ordinal),
        _ => null,
    };

    private static IEnumerable<string> Prefixes(IReadOnlyList<object?> args, int line) => args.Count > 0 ? args[0] switch
    {
        string p => [p],
        List<object?> list => list.Select(Values.Str),
        var other => throw new JinjaException($"line {line}: startswith/endswith need a string, got {Values.TypeName(other)}"),
    } : throw new JinjaException($"line {line}: startswith/endswith need an argument");

    private static char[]? Chars(IReadOnlyList<object?> args) => args.Count > 0 && args[0] is string chars ? chars.ToCharArray() : null;

    internal static string Replace(string s, IReadOnlyList<object?> args, int line)
    {
        if (args.Count < 2) throw new JinjaException($"line {line}: replace needs the old and the new text");
        var (old, replacement) = (Values.Str(args[0]), Values.Str(args[1]));
        return old.Length == 0 ? s : s.Replace(old, replacement, StringComparison.Ordinal);
    }

    // Python's str.split: no separator splits on runs of whitespace and drops empty pieces.
    private static List<object?> Split(string s, object? separator, long maxSplit)
    {
        if (separator is string sep && sep.Length > 0)
        {
            var parts = maxSplit < 0 ? s.Split(sep) : s.Split(sep, (int)maxSplit + 1);
            return parts.Select(p => (object?)p).ToList();
        }

        return s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(p => (object?)p).ToList();
    }

    internal static string Title(string s)
    {
        var chars = s.ToCharArray();
        var start = true;
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = start ? char.ToUpperInvariant(chars[i]) : char.ToLowerInvariant(chars[i]);
            start = !char.IsLetterOrDigit(chars[i]);
        }

        return new string(chars);
    }
}
