namespace Workflows.Steps.Ingest;

/// <summary>Exact distribution of row lengths in characters, kept as a count per distinct length, so
/// memory is bounded by the longest row rather than the number of rows.</summary>
internal sealed class LengthStats
{
    private readonly Dictionary<int, long> _counts = [];
    private long _total;
    private double _sum;

    public void Add(int length)
    {
        _counts[length] = _counts.GetValueOrDefault(length) + 1;
        _total++;
        _sum += length;
    }

    /// <summary>min, mean, p50, p90, p99 and max, as metric name suffixes; empty with no rows.</summary>
    public IEnumerable<(string Name, double Value)> Summary()
    {
        if (_total == 0) yield break;
        var sorted = _counts.OrderBy(p => p.Key).ToArray();
        yield return ("min", sorted[0].Key);
        yield return ("mean", _sum / _total);
        yield return ("p50", Percentile(sorted, 0.50));
        yield return ("p90", Percentile(sorted, 0.90));
        yield return ("p99", Percentile(sorted, 0.99));
        yield return ("max", sorted[^1].Key);
    }

    /// <summary>Nearest-rank percentile.</summary>
    private double Percentile(KeyValuePair<int, long>[] sorted, double fraction)
    {
        var rank = Math.Max(1, (long)Math.Ceiling(fraction * _total));
        long seen = 0;
        foreach (var (length, count) in sorted)
        {
            seen += count;
            if (seen >= rank) return length;
        }
        return sorted[^1].Key;
    }
}
