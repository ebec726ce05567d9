namespace Workflows.Steps.Guard;

/// <summary>How many items violate each category, over the prompt suite or over a scan.</summary>
internal sealed class GuardTally
{
    public GuardTally(IReadOnlyCollection<GuardItem> items)
    {
        Items = items.Count;
        foreach (var category in items.SelectMany(i => i.Violations())) Counts[category] = Counts.GetValueOrDefault(category) + 1;
    }

    /// <summary>Items counted.</summary>
    public int Items { get; }

    /// <summary>Items violating each category (only categories with at least one).</summary>
    public SortedDictionary<string, int> Counts { get; } = new(StringComparer.Ordinal);

    /// <summary>Share of items violating the category; 0 when there are no items.</summary>
    public double Rate(string category) => Items == 0 ? 0 : Counts.GetValueOrDefault(category) / (double)Items;
}
