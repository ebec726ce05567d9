using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workflows.Steps.Ingest;

/// <summary>Source fields that carry meaning the canonical dataset has no column for. A row holding one
/// is refused, naming it, unless <c>drop_fields:</c> lists it: dropping it silently would train on half
/// of an example (a caption without its image, a tool call without its tools).</summary>
internal static class UnplaceableFields
{
    private static readonly (string Name, string Why)[] Known =
    [
        ("images", "images; the engine is text-only"),
        ("videos", "videos; the engine is text-only"),
        ("audios", "audio; the engine is text-only"),
        ("tools", "tool definitions; the canonical dataset has no place for tool calls yet"),
    ];

    /// <summary>The refusal for the first such field with a value, or null.</summary>
    public static string? Find(JsonObject record, IReadOnlyCollection<string>? dropFields)
    {
        foreach (var (name, why) in Known)
        {
            var value = RecordFields.Get(record, name);
            if (IsEmpty(value) || dropFields?.Contains(name, StringComparer.OrdinalIgnoreCase) == true) continue;
            return $"field '{name}' holds {why}; the row is refused rather than ingested without it. " +
                $"To ingest the rest knowingly, add drop_fields: [{name}]";
        }
        return null;
    }

    private static bool IsEmpty(JsonNode? value) => value switch
    {
        null => true,
        JsonArray array => array.Count == 0,
        JsonObject obj => obj.Count == 0,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => string.IsNullOrWhiteSpace(v.GetValue<string>()) || v.GetValue<string>().Trim() == "[]",
        _ => false,
    };
}
