using System.Text.Json;

namespace Workflows.Cli.Commands;

/// <summary>The prompts of <c>wf generate --prompts FILE</c>: a <c>.jsonl</c> file of objects with a <c>prompt</c>
/// string, or any other file with one prompt per line (<c>\n</c> inside a line stands for a line break). Blank
/// lines are skipped.</summary>
internal static class PromptFile
{
    /// <exception cref="ArgumentException">The file is missing, holds no prompt, or a JSONL line is not an object
    /// with a <c>prompt</c> string (named by file and line).</exception>
    public static IReadOnlyList<string> Read(string path)
    {
        if (!File.Exists(path)) throw new ArgumentException($"{path}: prompts file not found");
        var jsonl = path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);
        var prompts = new List<string>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (line.Trim().Length == 0) continue;
            prompts.Add(jsonl ? JsonPrompt(path, number, line) : line.Replace("\\n", "\n", StringComparison.Ordinal));
        }

        return prompts.Count > 0 ? prompts : throw new ArgumentException($"{path}: no prompts (one per line, or JSONL objects with a \"prompt\" string)");
    }

    private static string JsonPrompt(string path, int number, string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("prompt", out var prompt) && prompt.ValueKind == JsonValueKind.String)
                return prompt.GetString()!;
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{path}:{number}: not valid JSON ({e.Message.Split('.')[0]}); each line must be an object with a \"prompt\" string");
        }

        throw new ArgumentException($"{path}:{number}: each line must be a JSON object with a \"prompt\" string");
    }
}
