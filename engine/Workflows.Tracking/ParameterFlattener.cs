using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workflows.Tracking;

/// <summary>Turns nested options into MLflow params with dotted keys:
/// <c>{ lora: { rank: 8, target_modules: [q_proj, v_proj] } }</c> becomes
/// <c>lora.rank = 8</c> and <c>lora.target_modules = ["q_proj","v_proj"]</c>.</summary>
/// <remarks>Lists stay one JSON value because MLflow compares params by key; a list split into
/// <c>.0</c>, <c>.1</c> keys would leave stale keys behind when it shrinks.</remarks>
public static class ParameterFlattener
{
    private static readonly JsonSerializerOptions SnakeCase = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Flattens an options object (serialised with snake_case names, as in YAML).</summary>
    public static IReadOnlyDictionary<string, string> Flatten(object? options, string prefix = "") =>
        Flatten(options is null ? null : JsonSerializer.SerializeToNode(options, options.GetType(), SnakeCase), prefix);

    /// <summary>Flattens a JSON tree; null values are logged as <c>null</c> so they show in the UI.</summary>
    public static IReadOnlyDictionary<string, string> Flatten(JsonNode? node, string prefix = "")
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Add(result, prefix, node);
        return result;
    }

    private static void Add(IDictionary<string, string> result, string key, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj when obj.Count > 0:
                foreach (var (name, child) in obj)
                {
                    Add(result, key.Length == 0 ? name : $"{key}.{name}", child);
                }

                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                result[KeyOrValue(key)] = value.GetValue<string>();
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                // Integers first: a long read as double would lose digits past 2^53.
                result[KeyOrValue(key)] = value.TryGetValue<long>(out var integer)
                    ? integer.ToString(CultureInfo.InvariantCulture)
                    : value.TryGetValue<double>(out var number)
                        ? number.ToString("R", CultureInfo.InvariantCulture)
                        : value.ToJsonString();
                break;
            case null:
                result[KeyOrValue(key)] = "null";
                break;
            default:
                result[KeyOrValue(key)] = node.ToJsonString();
                break;
        }
    }

    private static string KeyOrValue(string key) => key.Length == 0 ? "value" : key;
}
