using System.Text;

namespace Workflows.Tracking;

/// <summary>Makes keys and values acceptable to every MLflow backend, the same way for the file store
/// and the server, so a pushed store looks exactly like one logged online.</summary>
internal static class TrackingKeys
{
    /// <summary>MLflow's longest param value; longer ones the server truncates silently, so we do it
    /// ourselves and say so in the value.</summary>
    public const int MaxParamValueLength = 6000;

    /// <summary>MLflow's longest tag value; longer ones are rejected.</summary>
    public const int MaxTagValueLength = 8000;

    /// <summary>MLflow's longest param, metric or tag key.</summary>
    public const int MaxKeyLength = 250;

    /// <summary>Keeps letters, digits, <c>_ - . space /</c> (MLflow's allowed set, minus the colon that a
    /// Windows file store cannot hold); anything else becomes <c>_</c>. Empty, <c>.</c> and <c>..</c>
    /// path parts are dropped or replaced because the file store turns <c>/</c> into folders.</summary>
    public static string Sanitize(string key)
    {
        var builder = new StringBuilder(key.Length);
        foreach (var c in key)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ' ' or '/' ? c : '_');
        }

        var parts = builder.ToString()
            .Split('/')
            .Select(part => part.Trim())
            .Where(part => part.Length > 0 && part != ".")
            .Select(part => part == ".." ? "__" : part);
        var sanitized = string.Join('/', parts);
        if (sanitized.Length == 0)
        {
            sanitized = "_";
        }

        return sanitized.Length > MaxKeyLength ? sanitized[..MaxKeyLength] : sanitized;
    }

    /// <summary>Truncates a param value to <see cref="MaxParamValueLength"/>, ending it with a marker
    /// that says how long the original was.</summary>
    public static string TruncateParam(string value) => Truncate(value, MaxParamValueLength);

    /// <summary>Truncates a tag value to <see cref="MaxTagValueLength"/> with the same marker.</summary>
    public static string TruncateTag(string value) => Truncate(value, MaxTagValueLength);

    /// <summary>Sanitises keys and truncates values; two keys that sanitise alike get <c>_2</c>, <c>_3</c>…
    /// so neither is lost.</summary>
    public static IReadOnlyDictionary<string, string> Clean(
        IReadOnlyDictionary<string, string> values, Func<string, string> truncate)
    {
        var cleaned = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in values.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            var name = Sanitize(key);
            for (var suffix = 2; cleaned.ContainsKey(name); suffix++)
            {
                name = $"{Sanitize(key)}_{suffix}";
            }

            cleaned[name] = truncate(value ?? string.Empty);
        }

        return cleaned;
    }

    private static string Truncate(string value, int limit)
    {
        if (value.Length <= limit)
        {
            return value;
        }

        var marker = $"...[truncated, {value.Length} chars]";
        return string.Concat(value.AsSpan(0, limit - marker.Length), marker);
    }
}
