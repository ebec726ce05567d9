using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workflows.Steps.Ingest;

/// <summary>Looks up canonical fields in one source record: the <c>columns:</c> mapping first, then the
/// usual names, ignoring case. Problems are collected in <see cref="Error"/> rather than thrown.</summary>
internal sealed class RecordFields(JsonObject record, ColumnMapping mapping)
{
    /// <summary>The first problem found, phrased for the quarantine file.</summary>
    public string? Error { get; private set; }

    /// <summary>The source field name for a role, or null when the record has none.</summary>
    public string? NameOf(FieldRole role)
    {
        var mapped = role.Mapped(mapping);
        foreach (var name in mapped is null ? role.Aliases : [mapped])
        {
            if (record.ContainsKey(name)) return name;
            var match = record.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
            if (match is not null) return match;
        }
        return null;
    }

    public bool Has(FieldRole role) => NameOf(role) is { } name && record[name] is not null;

    public JsonNode? Node(FieldRole role) => NameOf(role) is { } name ? record[name] : null;

    /// <summary>A required non-blank string; records the error and returns null otherwise.</summary>
    public string? Required(FieldRole role)
    {
        var name = NameOf(role);
        if (name is null || record[name] is null)
            return Fail(role.Mapped(mapping) is { } mapped
                ? $"missing required field '{mapped}' (mapped to {role.Name})"
                : $"missing required field '{role.Name}'");
        var value = AsText(record[name], name);
        return string.IsNullOrWhiteSpace(value) && Error is null ? Fail($"empty text in field '{name}'") : value;
    }

    /// <summary>An optional string; blank counts as absent.</summary>
    public string? Optional(FieldRole role)
    {
        var name = NameOf(role);
        var value = name is null ? null : AsText(record[name], name);
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }

    /// <summary>A string, or a number/boolean in its JSON spelling (labels are often numbers).</summary>
    public string? AsText(JsonNode? node, string field) => node switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonValue value when value.GetValueKind() is JsonValueKind.Number => value.ToJsonString(),
        JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False =>
            value.GetValue<bool>().ToString(CultureInfo.InvariantCulture).ToLowerInvariant(),
        _ => Fail($"field '{field}' must be a string, got {node.GetValueKind().ToString().ToLowerInvariant()}"),
    };

    /// <summary>A property by name, ignoring case when there is no exact match.</summary>
    public static JsonNode? Get(JsonObject value, string name)
    {
        if (value.TryGetPropertyValue(name, out var exact)) return exact;
        foreach (var (key, node) in value)
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase)) return node;
        return null;
    }

    public string? Fail(string error)
    {
        Error ??= error;
        return null;
    }
}
