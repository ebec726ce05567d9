using System.Globalization;
using System.Text;

namespace Workflows.Torch.Chat.Jinja;

/// <summary>The <c>tojson</c> filter as transformers defines it (json.dumps with ensure_ascii off,
/// keys in insertion order, ", " and ": " separators, or "," and newline with an indent).</summary>
internal static class JsonWriter
{
    public static string Write(object? value, int? indent, bool sortKeys = false)
    {
        var builder = new StringBuilder();
        Write(builder, value, indent, sortKeys, 0);
        return builder.ToString();
    }

    private static void Write(StringBuilder builder, object? value, int? indent, bool sortKeys, int depth)
    {
        switch (value)
        {
            case null or Undefined:
                builder.Append("null");
                break;
            case bool b:
                builder.Append(b ? "true" : "false");
                break;
            case long l:
                builder.Append(l.ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                builder.Append(d.ToString("R", CultureInfo.InvariantCulture));
                break;
            case string s:
                WriteString(builder, s);
                break;
            case List<object?> list:
                Container(builder, '[', ']', list.Select(item => (Action)(() => Write(builder, item, indent, sortKeys, depth + 1))).ToList(), indent, depth);
                break;
            case OrderedDictionary<string, object?> dict:
                var pairs = sortKeys ? dict.OrderBy(p => p.Key, StringComparer.Ordinal).ToList() : dict.ToList();
                Container(builder, '{', '}', pairs.Select(p => (Action)(() =>
                {
                    WriteString(builder, p.Key);
                    builder.Append(": ");
                    Write(builder, p.Value, indent, sortKeys, depth + 1);
                })).ToList(), indent, depth);
                break;
            case Namespace ns:
                Write(builder, ns.Values, indent, sortKeys, depth);
                break;
            default:
                throw new JinjaException($"tojson: cannot write {Values.TypeName(value)} as JSON");
        }
    }

    private static void Container(StringBuilder builder, char open, char close, List<Action> items, int? indent, int depth)
    {
        builder.Append(open);
        if (indent is { } width && width > 0 && items.Count > 0)
        {
            var padding = "\n" + new string(' ', width * (depth + 1));
            for (var i = 0; i < items.Count; i++)
            {
                builder.Append(i == 0 ? padding : "," + padding);
                items[i]();
            }

            builder.Append('\n').Append(' ', width * depth);
        }
        else
        {
            for (var i = 0; i < items.Count; i++)
            {
                if (i > 0) builder.Append(", ");
                items[i]();
            }
        }

        builder.Append(close);
    }

    private static void WriteString(StringBuilder builder, string s)
    {
        builder.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case < ' ': builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: builder.Append(c); break;
            }
        }

        builder.Append('"');
    }
}
