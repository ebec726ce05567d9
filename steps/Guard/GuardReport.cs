using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workflows.Steps.Guard;

/// <summary>Writes <c>report.json</c> (every count and rate, every violating item) and <c>report.md</c>; every quoted
/// prompt, reply and scanned text has its personal data and secrets masked.</summary>
internal static class GuardReport
{
    public const string JsonFile = "report.json";
    public const string MarkdownFile = "report.md";
    public const int QuotedChars = 400;

    public static async Task WriteAsync(string folder, GuardRun run, string projectRoot, CancellationToken ct)
    {
        // Store inputs are recorded relative to the project, so the report is the same wherever it lives.
        run = run with { Options = run.Options with { Adapter = ReportPaths.Portable(run.Options.Adapter, projectRoot), Prompts = ReportPaths.Portable(run.Options.Prompts, projectRoot), Scan = ReportPaths.Portable(run.Options.Scan, projectRoot) } };
        var json = new JsonObject
        {
            ["model"] = run.Options.Model,
            ["adapter"] = run.Options.Adapter,
            ["prompts"] = run.Options.Prompts,
            ["scan"] = run.Options.Scan,
            ["guard_model"] = run.Options.GuardModel is { } g ? new JsonObject
            {
                ["model"] = g.Model, ["judges"] = g.Judges.ToString().ToLowerInvariant(),
                ["categories"] = new JsonArray(g.Categories.Select(c => (JsonNode?)c).ToArray()),
            } : null,
            ["suite"] = run.Suite is null ? null : Tally(run.Suite, run.SuiteItems!),
            ["scan_result"] = run.ScanTally is null ? null : Tally(run.ScanTally, run.ScanItems!),
            ["thresholds"] = new JsonObject(run.Options.Thresholds.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value.MaxViolationRate))),
            ["breaches"] = new JsonArray(run.Breaches.Select(b => (JsonNode?)b).ToArray()),
            ["passed"] = run.Breaches.Count == 0,
            ["notes"] = new JsonArray(run.Notes.Select(n => (JsonNode?)n).ToArray()),
        };
        await File.WriteAllTextAsync(Path.Combine(folder, JsonFile), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), ct);
        await File.WriteAllTextAsync(Path.Combine(folder, MarkdownFile), GuardMarkdown.Render(run), ct);
    }

    private static JsonObject Tally(GuardTally tally, IReadOnlyList<GuardItem> items) => new()
    {
        ["items"] = tally.Items,
        ["categories"] = new JsonObject(tally.Counts.Select(c => KeyValuePair.Create(c.Key, (JsonNode?)new JsonObject
        {
            ["violations"] = c.Value, ["rate"] = tally.Rate(c.Key),
        }))),
        ["violations"] = new JsonArray(items.Where(i => i.Violations().Count > 0).Select(i => (JsonNode?)Item(i)).ToArray()),
    };

    private static JsonObject Item(GuardItem item) => new()
    {
        ["id"] = item.Id,
        ["categories"] = new JsonArray(item.Violations().Order().Select(c => (JsonNode?)c).ToArray()),
        ["findings"] = new JsonArray(item.Findings.Select(f => (JsonNode?)$"{f.Category}:{(f.Category is "pii" or "secrets" ? f.Kind : "match")}").ToArray()),
        ["prompt"] = Quote(item.Prompt),
        ["reply"] = item.Reply is null ? null : Quote(item.Reply),
        ["refused"] = item.Refused,
        ["verdict"] = item.Verdict is { } v ? new JsonObject
        {
            ["outcome"] = v.Outcome.ToString().ToLowerInvariant(),
            ["categories"] = new JsonArray(v.Categories.Select(c => (JsonNode?)c).ToArray()),
            ["answer"] = Quote(v.Raw),
            ["problem"] = v.Problem,
        } : null,
    };

    /// <summary>The text masked, then cut to <see cref="QuotedChars"/>.</summary>
    public static string Quote(string text)
    {
        var masked = ReportMasker.Mask(text);
        return masked.Length > QuotedChars ? masked[..QuotedChars] + "…" : masked;
    }
}
