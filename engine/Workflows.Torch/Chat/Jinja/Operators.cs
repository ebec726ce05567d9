using System.Globalization;

namespace Workflows.Torch.Chat.Jinja;

/// <summary>Binary operators other than and/or, with Python's meaning.</summary>
internal static class Operators
{
    public static object? Apply(string op, object? left, object? right, int line)
    {
        switch (op)
        {
            case "==": return Values.Equals(left, right);
            case "!=": return !Values.Equals(left, right);
            case "<": return Values.Compare(left, right, line) < 0;
            case ">": return Values.Compare(left, right, line) > 0;
            case "<=": return Values.Compare(left, right, line) <= 0;
            case ">=": return Values.Compare(left, right, line) >= 0;
            case "in": return Contains(right, left, line);
            case "not in": return !Contains(right, left, line);
            case "~": return Values.Str(left) + Values.Str(right);
        }

        if (op == "+")
        {
            switch (left, right)
            {
                case (string a, _): return a + Values.Str(right);
                case (_, string b): return Values.Str(left) + b;
                case (List<object?> a, List<object?> b): return a.Concat(b).ToList();
            }
        }

        return (left, right) switch
        {
            (long a, long b) => op switch
            {
                "+" => a + b,
                "-" => a - b,
                "*" => a * b,
                "/" => (object)((double)a / b),
                "//" => b == 0 ? throw Zero(line) : (long)Math.Floor((double)a / b),
                "%" => b == 0 ? throw Zero(line) : ((a % b) + b) % b,
                _ => throw Unsupported(op, left, right, line),
            },
            (long or double, long or double) => Floats(op, Convert.ToDouble(left, CultureInfo.InvariantCulture), Convert.ToDouble(right, CultureInfo.InvariantCulture), left, right, line),
            _ => throw Unsupported(op, left, right, line),
        };
    }

    private static double Floats(string op, double a, double b, object? left, object? right, int line) => op switch
    {
        "+" => a + b,
        "-" => a - b,
        "*" => a * b,
        "/" => a / b,
        "//" => Math.Floor(a / b),
        "%" => a - (b * Math.Floor(a / b)),
        _ => throw Unsupported(op, left, right, line),
    };

    public static bool Contains(object? container, object? item, int line) => container switch
    {
        string s => item is string part ? s.Contains(part, StringComparison.Ordinal) : throw new JinjaException($"line {line}: 'in <string>' needs a string on the left, got {Values.TypeName(item)}"),
        List<object?> list => list.Any(x => Values.Equals(x, item)),
        OrderedDictionary<string, object?> dict => item is string key && dict.ContainsKey(key),
        Namespace ns => item is string field && ns.Values.ContainsKey(field),
        Undefined or null => false,
        _ => throw new JinjaException($"line {line}: cannot test membership in {Values.TypeName(container)}"),
    };

    private static JinjaException Zero(int line) => new($"line {line}: division by zero");

    private static JinjaException Unsupported(string op, object? left, object? right, int line) =>
        new($"line {line}: unsupported operand types for {op}: {Values.TypeName(left)} and {Values.TypeName(right)}");
}
