using System.Text.RegularExpressions;
using Workflows.Steps.Datasets;

namespace Workflows.Steps.Augment;

/// <summary>Fills <c>{{name}}</c> placeholders (spaces inside the braces allowed) in every text field:
/// a row that has any becomes one filled row per value set; other rows pass unchanged.</summary>
internal sealed partial class TemplateAugmenter(IReadOnlyList<IReadOnlyDictionary<string, string>> valueSets) : IAugmenter
{
    public string Name => "template";

    /// <summary>Rows that had placeholders.</summary>
    public long TemplatedRows { get; private set; }

    /// <summary>Placeholders with no value in some set; they are left as written. Name → count.</summary>
    public SortedDictionary<string, long> Unfilled { get; } = new(StringComparer.Ordinal);

    public ValueTask<IReadOnlyList<DatasetRow>> ApplyAsync(DatasetRow row, CancellationToken cancellationToken)
    {
        if (!RowTexts.All(row).Any(Placeholder().IsMatch)) return ValueTask.FromResult<IReadOnlyList<DatasetRow>>([row]);
        TemplatedRows++;
        var filled = valueSets.Select(set => row.Derive(r => RowTexts.MapAll(r, text => Fill(text, set)))).ToArray();
        return ValueTask.FromResult<IReadOnlyList<DatasetRow>>(filled);
    }

    private string Fill(string text, IReadOnlyDictionary<string, string> values) =>
        Placeholder().Replace(text, match =>
        {
            var name = match.Groups[1].Value;
            if (values.TryGetValue(name, out var value)) return value;
            Unfilled[name] = Unfilled.GetValueOrDefault(name) + 1;
            return match.Value;
        });

    [GeneratedRegex(@"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")]
    private static partial Regex Placeholder();
}
