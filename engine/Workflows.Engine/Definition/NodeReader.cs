using System.Globalization;
using Workflows.Engine.Diagnostics;
using Workflows.Engine.Yaml;

namespace Workflows.Engine.Definition;

/// <summary>Reads typed header values out of YAML mappings, turning each shape mismatch into a diagnostic.</summary>
internal sealed class NodeReader(DiagnosticList diagnostics, string? step)
{
    public void CheckKeys(YamlMapping map, IReadOnlyCollection<string> known, string what)
    {
        foreach (var key in map.Entries.Select(e => e.Key).Where(k => !known.Contains(k.Value)))
            diagnostics.Add(key.Mark, step, $"unknown {what} '{key.Value}'", Suggestions.Hint(key.Value, known));
    }

    public string? String(YamlMapping map, string key, bool required = false)
    {
        var node = map.Get(key);
        if (node is null)
        {
            if (required) diagnostics.Add(map.Mark, step, $"missing required key '{key}'", $"add '{key}: …'");
            return null;
        }
        if (node is YamlScalar s && !s.IsNull) return s.Value;
        diagnostics.Add(node.Mark, step, $"'{key}' must be a single value", null);
        return null;
    }

    public int? Int(YamlMapping map, string key)
    {
        var text = String(map, key);
        if (text is null) return null;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)) return value;
        diagnostics.Add(map.Get(key)!.Mark, step, $"'{key}' must be a whole number, got '{text}'", null);
        return null;
    }

    public double? Double(YamlMapping map, string key)
    {
        var text = String(map, key);
        if (text is null) return null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0) return value;
        diagnostics.Add(map.Get(key)!.Mark, step, $"'{key}' must be a positive number, got '{text}'", null);
        return null;
    }

    public bool? Bool(YamlMapping map, string key)
    {
        var text = String(map, key);
        if (text is null) return null;
        if (bool.TryParse(text, out var value)) return value;
        diagnostics.Add(map.Get(key)!.Mark, step, $"'{key}' must be true or false, got '{text}'", null);
        return null;
    }

    public IReadOnlyList<string> StringList(YamlNode? node) => node switch
    {
        null => [],
        YamlScalar { IsNull: true } => [],
        YamlScalar s => [s.Value],
        YamlSequence seq => seq.Items.Select(i => i is YamlScalar s ? s.Value : Fail<string>(i, "expected a list of plain values").FirstOrDefault() ?? "").ToList(),
        _ => Fail<string>(node, "expected a value or a list of values"),
    };

    public IReadOnlyList<T> Fail<T>(YamlNode node, string message)
    {
        diagnostics.Add(node.Mark, step, message, null);
        return [];
    }
}
