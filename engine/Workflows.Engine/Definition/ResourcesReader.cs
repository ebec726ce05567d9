using System.Globalization;
using System.Text.RegularExpressions;
using Workflows.Engine.Diagnostics;
using Workflows.Engine.Yaml;

namespace Workflows.Engine.Definition;

/// <summary>Reads a step's <c>resources:</c> mapping, reporting each bad field at its own line:col.</summary>
internal static partial class ResourcesReader
{
    public static readonly string[] Keys = ["gpus", "cpus", "memory", "time", "partition"];

    public static StepResources? Read(YamlNode? node, string step, DiagnosticList diagnostics)
    {
        if (node is null or YamlScalar { IsNull: true }) return null;
        if (node is not YamlMapping map)
        {
            diagnostics.Add(node.Mark, step, "'resources' must be a mapping", "write 'resources: { gpus: 1, cpus: 4, memory: 16G, time: 2h }'");
            return null;
        }
        var reader = new NodeReader(diagnostics, step);
        reader.CheckKeys(map, Keys, "resources key");
        return new StepResources
        {
            Gpus = Ranged(reader, map, "gpus", 0, 64, step, diagnostics),
            Cpus = Ranged(reader, map, "cpus", 1, 1024, step, diagnostics),
            MemoryMb = Parsed(reader.String(map, "memory"), map, "memory", ParseMemoryMb, "write it as 512M, 16G, 1T or a number of MiB", step, diagnostics),
            TimeMinutes = (int?)Parsed(reader.String(map, "time"), map, "time", t => ParseMinutes(t), "write minutes (90), 90m, 2h, HH:MM:SS or D-HH:MM:SS", step, diagnostics),
            Partition = reader.String(map, "partition"),
        };
    }

    /// <summary>MiB for <c>512M</c>, <c>16G</c>, <c>1T</c>, <c>2048</c> (MiB); null when malformed or not positive.</summary>
    public static long? ParseMemoryMb(string text)
    {
        var match = MemoryPattern().Match(text.Trim());
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount <= 0) return null;
        return match.Groups[2].Value.ToUpperInvariant() switch
        {
            "K" => Math.Max(1, amount / 1024),
            "G" => amount * 1024,
            "T" => amount * 1024 * 1024,
            _ => amount,
        };
    }

    /// <summary>Whole minutes (rounded up) for <c>90</c>, <c>90m</c>, <c>2h</c>, <c>MM:SS</c>, <c>HH:MM:SS</c>,
    /// <c>D-HH</c>, <c>D-HH:MM</c>, <c>D-HH:MM:SS</c>; null when malformed or zero.</summary>
    public static long? ParseMinutes(string text)
    {
        text = text.Trim();
        long seconds;
        var unit = UnitPattern().Match(text);
        if (unit.Success)
        {
            var n = long.Parse(unit.Groups[1].Value, CultureInfo.InvariantCulture);
            seconds = unit.Groups[2].Value.ToLowerInvariant() switch { "h" => n * 3600, "s" => n, _ => n * 60 };
        }
        else
        {
            var clock = ClockPattern().Match(text);
            if (!clock.Success) return null;
            var days = clock.Groups[1].Success ? long.Parse(clock.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
            var parts = clock.Groups[2].Value.Split(':').Select(p => long.Parse(p, CultureInfo.InvariantCulture)).ToArray();
            // Slurm's reading: "M" minutes, "MM:SS" and "HH:MM:SS" without days; "D-HH", "D-HH:MM", "D-HH:MM:SS" with them.
            seconds = (days, parts.Length) switch
            {
                (_, 1) when clock.Groups[1].Success => parts[0] * 3600,
                (_, 1) => parts[0] * 60,
                (_, 2) when clock.Groups[1].Success => parts[0] * 3600 + parts[1] * 60,
                (_, 2) => parts[0] * 60 + parts[1],
                (_, 3) => parts[0] * 3600 + parts[1] * 60 + parts[2],
                _ => -1,
            };
            if (seconds < 0) return null;
            seconds += days * 86400;
        }
        return seconds <= 0 || seconds > int.MaxValue * 60L ? null : (seconds + 59) / 60;
    }

    private static int? Ranged(NodeReader reader, YamlMapping map, string key, int min, int max, string step, DiagnosticList diagnostics)
    {
        var value = reader.Int(map, key);
        if (value is null || (value >= min && value <= max)) return value;
        diagnostics.Add(map.Get(key)!.Mark, step, $"resources.{key} must be between {min} and {max}, got {value}", null);
        return null;
    }

    private static long? Parsed(string? text, YamlMapping map, string key, Func<string, long?> parse, string hint, string step, DiagnosticList diagnostics)
    {
        if (text is null) return null;
        if (parse(text) is { } value) return value;
        diagnostics.Add(map.Get(key)!.Mark, step, $"resources.{key} '{text}' is not understood", hint);
        return null;
    }

    [GeneratedRegex(@"^(\d+)\s*([KkMmGgTt]?)[Bb]?$")]
    private static partial Regex MemoryPattern();

    [GeneratedRegex(@"^(\d+)\s*([hms])$", RegexOptions.IgnoreCase)]
    private static partial Regex UnitPattern();

    [GeneratedRegex(@"^(?:(\d+)-)?(\d+(?::\d+){0,2})$")]
    private static partial Regex ClockPattern();
}
