using System.Globalization;
using Workflows.Engine.Tracking;

namespace Workflows.Tracking.FileStore;

/// <summary>One line of a file-store metric file: <c>&lt;timestamp_ms&gt; &lt;value&gt; &lt;step&gt;</c>,
/// the value written as Python's <c>repr(float)</c> would be (<c>0.5</c>, <c>1.0</c>, <c>nan</c>, <c>inf</c>).</summary>
internal static class MetricLine
{
    public static string Format(MetricPoint point) =>
        $"{point.Timestamp.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)} {FormatValue(point.Value)} {point.Step.ToString(CultureInfo.InvariantCulture)}";

    public static string FormatValue(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        var text = value.ToString("R", CultureInfo.InvariantCulture).Replace('E', 'e');
        return text.Contains('.') || text.Contains('e') ? text : text + ".0";
    }

    public static MetricPoint Parse(string key, string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2)
        {
            throw new FormatException($"metric '{key}': malformed line '{line}'");
        }

        var value = parts[1].ToLowerInvariant() switch
        {
            "nan" => double.NaN,
            "inf" or "infinity" => double.PositiveInfinity,
            "-inf" or "-infinity" => double.NegativeInfinity,
            _ => double.Parse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        var step = parts.Length > 2 ? long.Parse(parts[2], CultureInfo.InvariantCulture) : 0;
        var timestamp = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(parts[0], CultureInfo.InvariantCulture));
        return new MetricPoint(key, value, step, timestamp);
    }
}
