using System.Text.Json;
using System.Text.Json.Nodes;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Caching;

/// <summary>One text form per value: snake_case keys sorted ordinally, no whitespace, shortest
/// round-trip numbers. Fingerprints hash it, so key order in YAML never changes a cache hit.</summary>
public static class CanonicalJson
{
    public static JsonNode ToNode(object value) =>
        JsonSerializer.SerializeToNode(value, value.GetType(), EngineJson.Compact) ?? JsonValue.Create((string?)null)!;

    public static string Serialize(object value) => Sorted(ToNode(value))?.ToJsonString(EngineJson.Compact) ?? "null";

    public static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray array => new JsonArray(array.Select(Sorted).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };

    /// <summary>Flattens to dotted keys (<c>lora.rank</c>, <c>targets[0]</c>) with display values, for
    /// plan explanations and tracking params.</summary>
    public static IReadOnlyDictionary<string, string> Flatten(JsonNode? node)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Walk(node, "", result);
        return result;
    }

    private static void Walk(JsonNode? node, string prefix, IDictionary<string, string> result)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj) Walk(value, prefix.Length == 0 ? key : $"{prefix}.{key}", result);
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++) Walk(array[i], $"{prefix}[{i}]", result);
                if (array.Count == 0) result[prefix] = "[]";
                break;
            case null:
                result[prefix] = "null";
                break;
            default:
                result[prefix] = node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString();
                break;
        }
    }
}
