using Workflows.Steps.Datasets;

namespace Workflows.Steps.Augment;

/// <summary>Streams rows through exact (content id) and optional near-duplicate (MinHash + LSH) filters,
/// keeping the first of each set. Memory: one id per kept row, plus a signature when near is on.</summary>
internal sealed class Deduplicator(DedupOptions options)
{
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly MinHasher? _hasher = options.NearThreshold is null ? null : new MinHasher(options.ShingleSize);
    private readonly Dictionary<ulong, List<int>> _buckets = [];
    private readonly List<(string SourceId, ulong[] Signature)> _kept = [];

    public long RemovedExact { get; private set; }

    public long RemovedNear { get; private set; }

    public bool Keep(DatasetRow row)
    {
        if (options.Exact && !_ids.Add(row.Id))
        {
            RemovedExact++;
            return false;
        }
        if (_hasher is null) return true;
        var signature = _hasher.Signature(row.ContentText());
        var keys = _hasher.BandKeys(signature).ToArray();
        foreach (var key in keys)
        {
            if (!_buckets.TryGetValue(key, out var members)) continue;
            foreach (var index in members)
            {
                var (sourceId, other) = _kept[index];
                if (sourceId != row.SourceId && MinHasher.Similarity(signature, other) >= options.NearThreshold)
                {
                    RemovedNear++;
                    return false;
                }
            }
        }
        foreach (var key in keys)
        {
            if (!_buckets.TryGetValue(key, out var members)) _buckets[key] = members = [];
            members.Add(_kept.Count);
        }
        _kept.Add((row.SourceId, signature));
        return true;
    }
}
