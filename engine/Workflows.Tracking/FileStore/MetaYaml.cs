using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.Serialization;

namespace Workflows.Tracking.FileStore;

/// <summary>Writes <c>meta.yaml</c> the way MLflow's file store does (PyYAML <c>safe_dump</c>: keys sorted,
/// block style, strings quoted only when YAML would read them as something else) and reads it back.</summary>
internal static partial class MetaYaml
{
    public static string Write(IEnumerable<KeyValuePair<string, object?>> fields)
    {
        var builder = new StringBuilder();
        foreach (var (key, value) in fields.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            builder.Append(key).Append(": ").Append(Scalar(value)).Append('\n');
        }

        return builder.ToString();
    }

    public static Dictionary<string, string?> Read(string path)
    {
        var raw = new DeserializerBuilder().Build()
            .Deserialize<Dictionary<string, object?>>(File.ReadAllText(path)) ?? [];
        return raw.ToDictionary(pair => pair.Key, pair => pair.Value switch
        {
            null => null,
            string text => text,
            _ => Convert.ToString(pair.Value, CultureInfo.InvariantCulture),
        });
    }

    private static string Scalar(object? value) => value switch
    {
        null => "null",
        long number => number.ToString(CultureInfo.InvariantCulture),
        int number => number.ToString(CultureInfo.InvariantCulture),
        string text => Quote(text),
        IEnumerable<object> list when !list.Any() => "[]",
        _ => throw new ArgumentException($"meta.yaml cannot hold a {value.GetType().Name}"),
    };

    private static string Quote(string text)
    {
        if (text.Length == 0)
        {
            return "''";
        }

        if (text.Any(c => char.IsControl(c)))
        {
            // Double quotes are the only YAML style that can hold control characters.
            var escaped = new StringBuilder("\"");
            foreach (var c in text)
            {
                escaped.Append(c switch
                {
                    '"' => "\\\"",
                    '\\' => "\\\\",
                    '\n' => "\\n",
                    '\t' => "\\t",
                    '\r' => "\\r",
                    _ when char.IsControl(c) => $"\\x{(int)c:X2}",
                    _ => c.ToString(),
                });
            }

            return escaped.Append('"').ToString();
        }

        return PlainScalar().IsMatch(text) && !Reserved().IsMatch(text)
            ? text
            : $"'{text.Replace("'", "''", StringComparison.Ordinal)}'";
    }

    // Plain unless YAML would read it as something else or stumble on it. The implicit types are PyYAML's
    // (YAML 1.1), which MLflow writes with: bool, null, int, float, timestamp.
    [GeneratedRegex(@"^[A-Za-z0-9_/][A-Za-z0-9_\-./:]*( [A-Za-z0-9_\-./:]+)*$")]
    private static partial Regex PlainScalar();

    [GeneratedRegex(@"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|y|Y|n|N|null|Null|NULL|~"
        + @"|[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+"
        + @"|[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*"
        + @"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*|.*:$)$")]
    private static partial Regex Reserved();
}
