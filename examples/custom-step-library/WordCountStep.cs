using System.Text.Json;
using System.Text.RegularExpressions;
using Workflows.Engine.Steps;

namespace Custom.Steps;

/// <summary>Counts words in a text file and writes a JSON report with the most frequent ones.</summary>
[Step("word_count", Version = 1, Description = "Count words in a text file (example of an external step library)")]
[StepOutput("report", ArtifactKind.Report)]
public sealed partial class WordCountStep : IStep<WordCountOptions>
{
    public async Task<StepResult> RunAsync(WordCountOptions options, IStepContext context, CancellationToken cancellationToken)
    {
        var path = Directory.Exists(options.Text) ? Directory.EnumerateFiles(options.Text, "*.txt").FirstOrDefault() : options.Text;
        if (path is null) return StepResult.Failed($"'{options.Text}' holds no .txt file; point 'text' at a text file");

        var text = await File.ReadAllTextAsync(path, cancellationToken);
        var words = Word().Matches(options.IgnoreCase ? text.ToLowerInvariant() : text).Select(m => m.Value).ToList();
        var top = words.GroupBy(w => w).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Take(options.Top).ToDictionary(g => g.Key, g => g.Count());

        var report = Path.Combine(context.CreateOutput("report"), "word_count.json");
        await File.WriteAllTextAsync(report, JsonSerializer.Serialize(new { words = words.Count, distinct = words.Distinct().Count(), top }), cancellationToken);
        return StepResult.Succeeded(new Dictionary<string, double> { ["words"] = words.Count, ["distinct_words"] = words.Distinct().Count() });
    }

    [GeneratedRegex(@"\p{L}+")]
    private static partial Regex Word();
}
