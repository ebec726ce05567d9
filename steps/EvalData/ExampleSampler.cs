using Workflows.Steps.Datasets;

namespace Workflows.Steps.EvalData;

/// <summary>Picks the items a quick run looks at: the first <c>limit</c>, or a seeded random
/// <c>limit</c> that does not depend on file order beyond each item's id.</summary>
internal static class ExampleSampler
{
    /// <param name="examples">All items, in file order.</param>
    /// <param name="limit">Items to keep; 0 keeps all.</param>
    /// <param name="sample">True: a seeded random subset (kept in file order); false: the first items.</param>
    /// <param name="seed">Seed of the subset.</param>
    public static List<EvalExample> Take(IReadOnlyList<EvalExample> examples, int limit, bool sample, int seed)
    {
        if (limit <= 0 || limit >= examples.Count) return [.. examples];
        if (!sample) return [.. examples.Take(limit)];
        return examples
            .Select((example, index) => (example, index, key: StableRandom.Hash(seed, "sample", example.Id, index)))
            .OrderBy(x => x.key).Take(limit)
            .OrderBy(x => x.index).Select(x => x.example).ToList();
    }
}
