using Workflows.Steps.Datasets;

namespace Workflows.Steps.Split;

/// <summary>Deals rows to splits: rows form groups (one per row for random, else by <c>group_by</c>),
/// groups form strata (by <c>stratify_by</c> for stratified, else one), and within each stratum the
/// groups are ordered by a seeded hash of their key and cut at the cumulative ratios.</summary>
/// <remarks>A group goes where its middle row falls, so splits are within half a group of their share.
/// Ordering by hash(seed, key) rather than shuffling means a group's split depends only on the seed,
/// its key and the sizes of the groups hashed before it, not on row order in the file.</remarks>
internal static class SplitAssigner
{
    public static SplitPart[] Assign(IReadOnlyList<DatasetRow> rows, SplitOptions options)
    {
        var groupOf = options.Method == SplitMethod.Random ? null : DatasetColumns.Reader(options.GroupBy)!;
        var stratumOf = options.Method == SplitMethod.Stratified ? DatasetColumns.Reader(options.StratifyBy)! : null;
        var groups = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < rows.Count; i++)
        {
            var key = groupOf?.Invoke(rows[i]) is { Length: > 0 } value ? "g:" + value : "r:" + i;
            if (!groups.TryGetValue(key, out var members)) groups[key] = members = [];
            members.Add(i);
        }

        var parts = new SplitPart[rows.Count];
        var strata = groups.GroupBy(g => stratumOf?.Invoke(rows[g.Value[0]]) ?? "", StringComparer.Ordinal);
        foreach (var stratum in strata)
        {
            var ordered = stratum
                .OrderBy(g => StableRandom.Hash(options.Seed, g.Key))
                .ThenBy(g => g.Key, StringComparer.Ordinal)
                .ToList();
            double total = ordered.Sum(g => g.Value.Count), before = 0;
            foreach (var (_, members) in ordered)
            {
                var part = PartAt((before + members.Count / 2.0) / total, options);
                foreach (var i in members) parts[i] = part;
                before += members.Count;
            }
        }
        return parts;
    }

    private static SplitPart PartAt(double position, SplitOptions options)
    {
        if (options.KFold is { } k)
            return Math.Min((int)(position * k.Folds), k.Folds - 1) == k.Fold ? SplitPart.Validation : SplitPart.Train;
        if (position < options.Ratios.Train) return SplitPart.Train;
        return position < options.Ratios.Train + options.Ratios.Validation ? SplitPart.Validation : SplitPart.Test;
    }
}
