using System.Globalization;

namespace Workflows.Steps.Ingest;

/// <summary>Tells a CSV/TSV header row from a first row of data (AG News' <c>dev.tsv</c> starts with
/// <c>3	Wall St. Bears Claw Back…</c>), so the error can say so and show the fix.</summary>
internal static class HeaderGuess
{
    /// <summary>True when a cell reads as a value rather than a column name: a number, or a sentence.</summary>
    public static bool LooksLikeData(IReadOnlyCollection<string> cells) =>
        cells.Any(c => double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            || c.Length > 40 || c.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length > 4);

    /// <summary>" — the first row looks like data …; set header: false and column_names: […]", or "".</summary>
    public static string Hint(IReadOnlyList<string> cells)
    {
        if (!LooksLikeData(cells)) return "";
        var shown = string.Join(", ", cells.Take(3).Select(c => $"'{(c.Length > 30 ? c[..30] + "…" : c)}'"));
        return $"\nThe first row looks like data, not a header ({shown}). If the file has no header row, add\n" +
            $"  header: false\n  column_names: [{string.Join(", ", Suggest(cells))}]\nto the step's with: (name the columns as the data means them).";
    }

    /// <summary>Names for the columns: a short number is a <c>label</c>, the first long cell the <c>text</c>.</summary>
    private static List<string> Suggest(IReadOnlyList<string> cells)
    {
        var names = new List<string>();
        for (var i = 0; i < cells.Count; i++)
        {
            var cell = cells[i];
            var name = !names.Contains("label") && cell.Length <= 20 && double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? "label"
                : !names.Contains("text") && (cell.Length > 20 || cell.Contains(' ')) ? "text"
                : $"column_{i + 1}";
            names.Add(name);
        }
        return names;
    }
}
