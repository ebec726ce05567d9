using System.Globalization;
using System.Text;

namespace Workflows.Steps.Guard;

/// <summary>The Markdown guard report: a table per category (violations, rate, threshold) and the violating items, masked.</summary>
internal static class GuardMarkdown
{
    public const int ListedItems = 50;

    public static string Render(GuardRun run)
    {
        var md = new StringBuilder("# Guard\n\n");
        if (run.Options.Model is not null) md.AppendLine($"Model: `{run.Options.Model}`{(run.Options.Adapter is null ? "" : $" + adapter `{run.Options.Adapter}`")}");
        if (run.Options.GuardModel is { } guard) md.AppendLine($"Guard model: `{guard.Model}` (judges the {guard.Judges.ToString().ToLowerInvariant()}; categories {string.Join(", ", guard.Categories)})");
        foreach (var note in run.Notes) md.AppendLine().AppendLine($"> {note}");
        if (run.Suite is not null) Section(md, $"Prompts: `{run.Options.Prompts}`", run.Suite, run.SuiteItems!, run.Options, "");
        if (run.ScanTally is not null) Section(md, $"Scan: `{run.Options.Scan}`", run.ScanTally, run.ScanItems!, run.Options, GuardCategories.ScanPrefix);
        md.AppendLine().AppendLine(run.Breaches.Count == 0 ? "**All thresholds held.**" : "**Thresholds breached:**");
        foreach (var breach in run.Breaches) md.AppendLine($"- {breach}");
        return md.ToString();
    }

    private static void Section(StringBuilder md, string title, GuardTally tally, IReadOnlyList<GuardItem> items, GuardOptions options, string prefix)
    {
        md.AppendLine().AppendLine($"## {title}").AppendLine().AppendLine($"{tally.Items} items.").AppendLine();
        md.AppendLine("| category | violations | rate | max_violation_rate |").AppendLine("|---|---:|---:|---:|");
        var categories = GuardCategories.Known(options).Where(c => c.StartsWith(GuardCategories.ScanPrefix, StringComparison.Ordinal) == (prefix.Length > 0))
            .Select(c => c[prefix.Length..]).Union(tally.Counts.Keys);
        foreach (var category in categories)
        {
            var limit = options.Thresholds.TryGetValue(prefix + category, out var t) ? t.MaxViolationRate.ToString("0.####", CultureInfo.InvariantCulture) : "—";
            md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {prefix}{category} | {tally.Counts.GetValueOrDefault(category)} | {tally.Rate(category):0.####} | {limit} |"));
        }
        var violating = items.Where(i => i.Violations().Count > 0).ToList();
        if (violating.Count == 0) return;
        md.AppendLine().AppendLine($"### Violations ({Math.Min(ListedItems, violating.Count)} of {violating.Count} listed; all in report.json)").AppendLine();
        md.AppendLine(items[0].Reply is null ? "| item | categories | text |" : "| item | categories | prompt | reply | guard |");
        md.AppendLine(items[0].Reply is null ? "|---|---|---|" : "|---|---|---|---|---|");
        foreach (var item in violating.Take(ListedItems))
        {
            var categoriesText = string.Join(", ", item.Violations().Order());
            md.AppendLine(item.Reply is null
                ? $"| {item.Id} | {categoriesText} | {Cell(item.Prompt)} |"
                : $"| {item.Id} | {categoriesText} | {Cell(item.Prompt)} | {Cell(item.Reply)} | {Verdict(item)} |");
        }
    }

    private static string Verdict(GuardItem item) => item.Verdict is not { } v ? "—"
        : v.Outcome == GuardModel.GuardOutcome.Unparseable ? $"unparseable: {Cell(v.Problem ?? "")}" : $"{v.Outcome.ToString().ToLowerInvariant()} {string.Join(",", v.Categories)}";

    private static string Cell(string text) => GuardReport.Quote(text).Replace("|", "\\|").Replace("\r", " ").Replace("\n", " ⏎ ");
}
