using System.Text.Json;

namespace Workflows.Torch.Llama;

/// <summary>
/// A <c>rope_scaling</c> entry of <c>config.json</c>, as transformers' <c>modeling_rope_utils</c>
/// reads it: <c>rope_type</c> (or the older key <c>type</c>) with its factors.
/// </summary>
/// <param name="RopeType"><c>default</c>, <c>linear</c>, <c>dynamic</c> (NTK) or <c>llama3</c>.</param>
/// <param name="Factor">Context extension factor (linear, dynamic, llama3); 1 for default.</param>
/// <param name="LowFreqFactor">llama3: wavelengths above original/low_freq_factor are divided by the factor.</param>
/// <param name="HighFreqFactor">llama3: wavelengths below original/high_freq_factor are kept.</param>
/// <param name="OriginalMaxPositionEmbeddings">llama3: the context the model was pretrained with.</param>
public sealed record RopeScaling(string RopeType, double Factor, double LowFreqFactor, double HighFreqFactor, int OriginalMaxPositionEmbeddings)
{
    /// <summary>The rope types this decoder computes.</summary>
    public static readonly IReadOnlyList<string> SupportedTypes = ["default", "linear", "dynamic", "llama3"];

    // Keys each type reads; anything else in the object would be a setting we silently ignored.
    private static readonly Dictionary<string, string[]> Keys = new(StringComparer.Ordinal)
    {
        ["default"] = [],
        ["linear"] = ["factor"],
        ["dynamic"] = ["factor", "original_max_position_embeddings"],
        ["llama3"] = ["factor", "low_freq_factor", "high_freq_factor", "original_max_position_embeddings"],
    };

    /// <summary>Reads <paramref name="value"/> (null or JSON null: no scaling).</summary>
    /// <exception cref="ModelLoadException">Unsupported rope_type, a missing or unknown field.</exception>
    public static RopeScaling? Parse(JsonElement? value, string source)
    {
        if (value is null || value.Value.ValueKind == JsonValueKind.Null) return null;
        var json = value.Value;
        if (json.ValueKind != JsonValueKind.Object) throw new ModelLoadException($"{source}: rope_scaling must be an object or null");
        var type = Text(json, "rope_type") ?? Text(json, "type")
            ?? throw new ModelLoadException($"{source}: rope_scaling has no rope_type; supported: {string.Join(", ", SupportedTypes)}");
        if (!Keys.TryGetValue(type, out var known))
        {
            throw new ModelLoadException($"{source}: rope_scaling.rope_type '{type}' is not supported; supported: {string.Join(", ", SupportedTypes)}");
        }

        var unknown = json.EnumerateObject().Select(p => p.Name).Where(n => n is not ("rope_type" or "type") && !known.Contains(n)).ToList();
        if (unknown.Count > 0)
        {
            throw new ModelLoadException($"{source}: rope_scaling key(s) {string.Join(", ", unknown.Select(n => $"'{n}'"))} are not understood for rope_type '{type}' (it reads: {string.Join(", ", known.DefaultIfEmpty("nothing"))})");
        }

        double Number(string key)
        {
            if (!json.TryGetProperty(key, out var element) || element.ValueKind != JsonValueKind.Number)
            {
                throw new ModelLoadException($"{source}: rope_scaling.{key} is required as a number for rope_type '{type}'");
            }

            return element.GetDouble();
        }

        return type switch
        {
            "default" => null,
            "linear" or "dynamic" => new RopeScaling(type, Positive(Number("factor"), "factor", source), 0, 0, 0),
            _ => Llama3(Positive(Number("factor"), "factor", source), Number("low_freq_factor"), Number("high_freq_factor"), Number("original_max_position_embeddings"), source),
        };
    }

    private static RopeScaling Llama3(double factor, double low, double high, double original, string source)
    {
        if (high <= low) throw new ModelLoadException($"{source}: rope_scaling.high_freq_factor {high} must be greater than low_freq_factor {low}");
        if (original < 1 || original != Math.Floor(original)) throw new ModelLoadException($"{source}: rope_scaling.original_max_position_embeddings must be a positive integer, got {original}");
        return new RopeScaling("llama3", factor, low, high, (int)original);
    }

    private static double Positive(double value, string key, string source) =>
        value > 0 ? value : throw new ModelLoadException($"{source}: rope_scaling.{key} must be positive, got {value}");

    private static string? Text(JsonElement json, string key) =>
        json.TryGetProperty(key, out var element) && element.ValueKind == JsonValueKind.String ? element.GetString() : null;
}
