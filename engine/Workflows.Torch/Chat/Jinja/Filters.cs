using System.Globalization;

namespace Workflows.Torch.Chat.Jinja;

/// <summary>The filters chat templates use.</summary>
internal static partial class Builtins
{
    public static object? Filter(string name, object? value, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> named, int line)
    {
        object? Arg(int i, string key, object? fallback = null) => named.TryGetValue(key, out var v) ? v : i < args.Count ? args[i] : fallback;
        switch (name)
        {
            case "trim":
                return Arg(0, "chars") is string chars ? Values.Str(value).Trim(chars.ToCharArray()) : Values.Str(value).Trim();
            case "length" or "count":
                return value switch
                {
                    string s => (long)s.Length,
                    List<object?> list => (long)list.Count,
                    OrderedDictionary<string, object?> dict => (long)dict.Count,
                    Undefined => 0L,
                    _ => throw new JinjaException($"line {line}: {Values.TypeName(value)} has no length"),
                };
            case "tojson":
                return JsonWriter.Write(value, Arg(0, "indent") as long? is { } indent ? (int)indent : null, Values.IsTrue(Arg(99, "sort_keys")));
            case "string":
                return Values.Str(value);
            case "list":
                return Values.Iterate(value, line).ToList();
            case "items":
                return value is OrderedDictionary<string, object?> map
                    ? map.Select(p => (object?)new List<object?> { p.Key, p.Value }).ToList()
                    : value is Undefined or null ? new List<object?>() : throw new JinjaException($"line {line}: items needs a mapping, got {Values.TypeName(value)}");
            case "join":
                var attribute = Arg(1, "attribute") as string;
                return string.Join(Arg(0, "d", "") is string separator ? separator : "", Values.Iterate(value, line)
                    .Select(item => Values.Str(attribute is null ? item : Attribute(item, attribute, line))));
            case "select" or "reject":
                var testName = Values.Str(Arg(0, "test"));
                return Values.Iterate(value, line).Where(item => Test(testName, item, args.Skip(1).ToList(), line) == (name == "select")).ToList();
            case "selectattr" or "rejectattr":
                var key = Values.Str(Arg(0, "attribute"));
                return Values.Iterate(value, line).Where(item =>
                {
                    var field = Attribute(item, key, line);
                    var passes = args.Count > 1 ? Test(Values.Str(args[1]), field, args.Skip(2).ToList(), line) : Values.IsTrue(field);
                    return passes == (name == "selectattr");
                }).ToList();
            case "map":
                var mapped = Arg(99, "attribute") as string ?? throw new JinjaException($"line {line}: map is supported with attribute= only");
                return Values.Iterate(value, line).Select(item => Attribute(item, mapped, line)).ToList();
            case "first":
                return Values.Iterate(value, line) is { Count: > 0 } items ? items[0] : Undefined.Instance;
            case "last":
                return Values.Iterate(value, line) is { Count: > 0 } all ? all[^1] : Undefined.Instance;
            case "reverse":
                return value is string text ? new string(text.Reverse().ToArray()) : Enumerable.Reverse(Values.Iterate(value, line)).ToList();
            case "unique":
                return Values.Iterate(value, line).Aggregate(new List<object?>(), (seen, item) => { if (!seen.Any(s => Values.Equals(s, item))) seen.Add(item); return seen; });
            case "default" or "d":
                return value is Undefined || (Values.IsTrue(Arg(1, "boolean")) && !Values.IsTrue(value)) ? Arg(0, "default_value", "") : value;
            case "upper":
                return Values.Str(value).ToUpperInvariant();
            case "lower":
                return Values.Str(value).ToLowerInvariant();
            case "title":
                return Title(Values.Str(value));
            case "capitalize":
                var word = Values.Str(value);
                return word.Length == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..].ToLowerInvariant();
            case "replace":
                return Replace(Values.Str(value), args, line);
            case "int":
                return value switch
                {
                    long l => l,
                    double d => (long)Math.Truncate(d),
                    string s when long.TryParse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
                    _ => Arg(0, "default", 0L),
                };
            case "float":
                return value switch
                {
                    long l => (double)l,
                    double d => d,
                    string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
                    _ => Arg(0, "default", 0.0),
                };
            case "abs":
                return value switch { long l => (object)Math.Abs(l), double d => Math.Abs(d), _ => throw new JinjaException($"line {line}: abs needs a number") };
            case "safe":
                return value;
            default:
                throw new JinjaException($"line {line}: filter '{name}' is not supported by this chat-template engine");
        }
    }
}
