using Workflows.Steps.Datasets;

namespace Workflows.Steps.Augment;

/// <summary>Adds copies whose instruction is wrapped in templates drawn at random without repeats
/// (until the list runs out); text and classification rows pass unchanged.</summary>
internal sealed class RephraseAugmenter(RephraseOptions options, int seed) : IAugmenter
{
    public const string Placeholder = "{instruction}";

    public string Name => "rephrase";

    public ValueTask<IReadOnlyList<DatasetRow>> ApplyAsync(DatasetRow row, CancellationToken cancellationToken)
    {
        if (row.Kind is RowKind.Text or RowKind.Classification || RowTexts.Prompt(row) is not { } prompt)
            return ValueTask.FromResult<IReadOnlyList<DatasetRow>>([row]);
        var random = StableRandom.For(seed, Name, row.Id);
        var order = Enumerable.Range(0, options.Templates.Count).ToList();
        var rows = new List<DatasetRow> { row };
        for (var copy = 0; copy < options.Copies; copy++)
        {
            if (copy % order.Count == 0) Shuffle(order, random);
            var template = options.Templates[order[copy % order.Count]];
            rows.Add(row.Derive(r => RowTexts.WithPrompt(r, template.Replace(Placeholder, prompt, StringComparison.Ordinal))));
        }
        return ValueTask.FromResult<IReadOnlyList<DatasetRow>>(rows);
    }

    private static void Shuffle(List<int> items, StableRandom random)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
