using System.Text;
using System.Text.RegularExpressions;

namespace Workflows.Steps.Package;

/// <summary>The package's <c>README.md</c>: what it is, where it came from (lineage), and the
/// evaluation and guard results of the run that produced it.</summary>
internal static partial class ModelCard
{
    public const string FileName = "README.md";

    /// <param name="frontMatter">The YAML front matter (<see cref="CardMetadata.Build"/>).</param>
    /// <param name="projectRoot">Local paths under or beside it are written relative to it; no absolute path leaves the machine.</param>
    public static string Build(string frontMatter, string projectRoot, string title, bool isAdapter, string? baseModel, string dtype,
        IReadOnlyDictionary<string, string> lineage, IReadOnlyList<string> reports,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> reportImages, IReadOnlyList<string> files)
    {
        var card = new StringBuilder();
        card.Append(frontMatter);
        card.AppendLine($"# {title}\n");
        card.AppendLine(isAdapter
            ? $"A PEFT LoRA adapter{(baseModel is null ? "" : $" for `{baseModel}`")}, weights stored as {dtype}.\n"
            : files.Contains("config.json") ? $"A Llama model in Hugging Face format, weights stored as {dtype}.\n" : "A Llama model as GGUF files for llama.cpp and Ollama.\n");
        card.AppendLine("## Lineage\n");
        card.AppendLine("| what | value |\n|---|---|");
        foreach (var (key, value) in lineage.OrderBy(p => Rank(p.Key)).ThenBy(p => p.Key, StringComparer.Ordinal))
            card.AppendLine($"| {Label(key)} | `{value}` |");
        if (lineage.Count == 0) card.AppendLine("| (none recorded) | |");
        card.AppendLine();
        card.AppendLine("## Evaluation and guard results\n");
        if (reports.Count == 0) card.AppendLine("No evaluation or guard step ran before packaging.\n");
        foreach (var report in reports)
        {
            var markdown = Path.Combine(report, "report.md");
            card.AppendLine($"### {Path.GetFileName(report.TrimEnd('/', '\\'))}\n");
            // Report headings are pushed two levels down so they nest under this section.
            var text = File.Exists(markdown) ? ReportImages.Relink(File.ReadAllText(markdown).Trim(), reportImages.GetValueOrDefault(report) ?? new Dictionary<string, string>()) : null;
            card.AppendLine(text is not null ? Heading().Replace(text, "###$1") + "\n" : "(this report folder has no report.md)\n");
        }

        card.AppendLine("## Files\n");
        foreach (var file in files) card.AppendLine($"- `{file}`");
        card.AppendLine($"- `{PackageChecksums.FileName}`: SHA-256 of every file (`sha256sum -c {PackageChecksums.FileName}`)\n");
        card.AppendLine("## Use\n");
        card.AppendLine(isAdapter
            ? "```python\nfrom peft import PeftModel\nmodel = PeftModel.from_pretrained(base, \"path/to/this/folder\")\n```"
            : files.Contains("config.json") ? "```\nwf generate path/to/this/folder --prompt \"Once upon a time\"\n```" : "");
        var gguf = files.Where(f => f.EndsWith(".gguf", StringComparison.Ordinal)).ToList();
        if (gguf.Count > 0)
        {
            card.AppendLine("\n### llama.cpp and Ollama\n");
            card.AppendLine($"GGUF files: {string.Join(", ", gguf.Select(f => $"`{f}`"))} (written and checked in llama.cpp by the package step).\n");
            card.AppendLine($"```bash\nllama-cli -m {gguf[0]} -p \"Once upon a time\" -n 64 --temp 0\nollama create my-model -f {OllamaModelfile.FileName} && ollama run my-model\n```");
        }

        return PathScrubber.Scrub(card.ToString(), projectRoot);
    }

    private static int Rank(string key) => key.StartsWith("wf.workflow", StringComparison.Ordinal) ? 0 : key.StartsWith("input.", StringComparison.Ordinal) ? 2 : 1;

    private static string Label(string key) => key switch
    {
        "wf.workflow.name" => "workflow",
        "wf.workflow.version" => "workflow version",
        "wf.workflow.content_hash" => "workflow content hash",
        "wf.workflow.file" => "workflow file",
        "mlflow.source.git.commit" => "git commit",
        "wf.step.fingerprint" => "package step fingerprint",
        _ when key.StartsWith("input.", StringComparison.Ordinal) => $"input `{key["input.".Length..]}` digest",
        _ => key,
    };

    [GeneratedRegex("^(#+)", RegexOptions.Multiline)]
    private static partial Regex Heading();
}
