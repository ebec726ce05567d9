using Workflows.Steps.Datasets;

namespace Workflows.Steps.Split;

/// <summary>Pairs of rows in different splits that are exact duplicates (same content id) or
/// near-duplicates (MinHash estimate at or above the threshold).</summary>
internal sealed class LeakageReport
{
    private const int Examples = 5;

    public long ExactPairs { get; private init; }

    public long NearPairs { get; private init; }

    /// <summary>The first few leaking pairs, as "file:line (split) ~ file:line (split)".</summary>
    public IReadOnlyList<string> FirstPairs { get; private init; } = [];

    public bool Any => ExactPairs + NearPairs > 0;

    public static LeakageReport Find(IReadOnlyList<DatasetRow> rows, SplitPart[] parts, SplitOptions options)
    {
        var examples = new List<string>();
        string Describe(int a, int b, string how) =>
            $"{rows[a].SourceFile}:{rows[a].SourceLine} ({Name(parts[a])}) ~ {rows[b].SourceFile}:{rows[b].SourceLine} ({Name(parts[b])}): {how}";

        long exact = 0;
        foreach (var same in Enumerable.Range(0, rows.Count).GroupBy(i => rows[i].Id).Where(g => g.Count() > 1))
        {
            var members = same.ToList();
            for (var a = 0; a < members.Count; a++)
                for (var b = a + 1; b < members.Count; b++)
                    if (parts[members[a]] != parts[members[b]])
                    {
                        exact++;
                        if (examples.Count < Examples) examples.Add(Describe(members[a], members[b], "exact duplicate"));
                    }
        }

        var hasher = new MinHasher(options.ShingleSize);
        var signatures = rows.Select(r => hasher.Signature(r.ContentText())).ToList();
        long near = 0;
        foreach (var (a, b) in hasher.NearPairs(signatures, options.NearDuplicateThreshold,
                     (a, b) => parts[a] != parts[b] && rows[a].Id != rows[b].Id))
        {
            near++;
            if (examples.Count < Examples)
                examples.Add(Describe(a, b, $"near duplicate (similarity {MinHasher.Similarity(signatures[a], signatures[b]):0.00})"));
        }
        return new LeakageReport { ExactPairs = exact, NearPairs = near, FirstPairs = examples };
    }

    public static string Name(SplitPart part) => part.ToString().ToLowerInvariant();
}
