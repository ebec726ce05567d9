using System.Text.Json;
using System.Text.Json.Nodes;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Tracking;

/// <summary>Options as MLflow params: nested objects become dotted keys (<c>lora.rank</c>), a list stays
/// one JSON value (<c>lora.target_modules = ["q_proj","v_proj"]</c>), strings stay unquoted.</summary>
/// <remarks>A list split into <c>.0</c>, <c>.1</c> keys would be unreadable in the UI, and MLflow compares
/// params by key, so a list that shrank would leave stale keys behind.</remarks>
public static class TrackingParams
{
    public static IReadOnlyDictionary<string, string> Flatten(JsonNode? node)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Walk(node, "", result);
        return result;
    }

    /// <summary>Input digests as tags: <c>wf.input.&lt;path or steps.x.outputs.y&gt; = sha256:…</c>.</summary>
    public static IReadOnlyDictionary<string, string> InputTags(IReadOnlyDictionary<string, string> digests) =>
        digests.ToDictionary(pair => "wf.input." + pair.Key, pair => pair.Value, StringComparer.Ordinal);

    /// <summary>A workflow param as one value: a scalar as written, a list or mapping as JSON.</summary>
    public static string Display(Yaml.YamlNode node) => node switch
    {
        Yaml.YamlScalar scalar => scalar.Value,
        _ => ToJson(node).ToJsonString(EngineJson.Compact),
    };

    private static JsonNode? ToJson(Yaml.YamlNode node) => node switch
    {
        Yaml.YamlScalar { IsNull: true } => null,
        Yaml.YamlScalar scalar => JsonValue.Create(scalar.Value),
        Yaml.YamlSequence sequence => new JsonArray([.. sequence.Items.Select(ToJson)]),
        Yaml.YamlMapping mapping => new JsonObject(mapping.Entries.Select(e => KeyValuePair.Create(e.Key.Value, ToJson(e.Value)))),
        _ => null,
    };

    private static void Walk(JsonNode? node, string prefix, IDictionary<string, string> result)
    {
        switch (node)
        {
            case JsonObject obj when obj.Count > 0 || prefix.Length == 0:
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                    Walk(value, prefix.Length == 0 ? key : $"{prefix}.{key}", result);
                break;
            case null:
                result[prefix] = "null";
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                result[prefix] = value.GetValue<string>();
                break;
            default:
                result[prefix] = node.ToJsonString(EngineJson.Compact);
                break;
        }
    }
}
