using System.Text;
using Workflows.Steps.Train;

namespace Workflows.Steps.Package;

/// <summary>The Ollama <c>Modelfile</c> beside the GGUF files: <c>ollama create NAME -f Modelfile</c>
/// imports the model with its prompt template and stop tokens.</summary>
internal static class OllamaModelfile
{
    public const string FileName = "Modelfile";

    public static string Build(string ggufFile, PromptTemplate? template, IReadOnlyList<string> eosTokens)
    {
        var text = new StringBuilder();
        text.AppendLine($"FROM ./{ggufFile}");
        if (template is { } t) text.AppendLine($"TEMPLATE \"\"\"{ChatTemplates.Ollama(t)}\"\"\"");
        foreach (var stop in eosTokens.Concat(ChatTemplates.Stops(template)).Distinct(StringComparer.Ordinal))
            text.AppendLine($"PARAMETER stop \"{stop.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"");
        // Greedy decoding, as the package's smoke test and `wf generate` do by default.
        text.AppendLine("PARAMETER temperature 0");
        return text.ToString();
    }
}
