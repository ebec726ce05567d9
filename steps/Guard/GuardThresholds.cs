using System.Globalization;

namespace Workflows.Steps.Guard;

/// <summary>Judges the tallies against <c>thresholds:</c> (<c>scan.X</c> keys against the scan, the rest against the prompts).</summary>
internal static class GuardThresholds
{
    public static List<string> Breaches(IReadOnlyDictionary<string, ThresholdOptions> thresholds, GuardTally? suite, GuardTally? scan)
    {
        var breaches = new List<string>();
        foreach (var (key, threshold) in thresholds)
        {
            var isScan = key.StartsWith(GuardCategories.ScanPrefix, StringComparison.Ordinal);
            var tally = isScan ? scan : suite;
            var category = isScan ? key[GuardCategories.ScanPrefix.Length..] : key;
            if (tally is null || tally.Items == 0) continue;
            var rate = tally.Rate(category);
            if (rate > threshold.MaxViolationRate)
                breaches.Add(string.Create(CultureInfo.InvariantCulture,
                    $"threshold {key}: violation rate {rate:0.####} ({tally.Counts.GetValueOrDefault(category)} of {tally.Items}) > max_violation_rate {threshold.MaxViolationRate:0.####}"));
        }
        return breaches;
    }
}
