using System.Text.Json;
using Workflows.Steps.Train;
using Workflows.Torch.Gguf;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;

namespace Workflows.Steps.Package;

/// <summary>Writes a package's GGUF files and Ollama Modelfile, and checks each file in the real
/// llama.cpp against the model it was written from.</summary>
internal static class PackageGguf
{
    /// <summary>Mean |Δ| per-token log-likelihood (nats) above which a GGUF file is refused: far beyond
    /// what 4-bit rounding does (~0.2 on stories260K), what a wrong tensor layout does (several nats).</summary>
    public const double MaxMeanLogLikelihoodDifference = 1.0;

    public static string FileName(GgufTensorType type) => $"model-{type.ToString().ToLowerInvariant()}.gguf";

    /// <summary>Writes one GGUF per type and the Modelfile; returns the file names written.</summary>
    public static List<string> Write(string source, GgufPackageOptions options, string name, string folder)
    {
        using var model = LlamaLoader.Load(source);
        var tokenizer = TokenizerLoader.ForModel(source, model.Config);
        var vocabulary = GgufVocabulary.For(tokenizer.Source);
        var jinja = options.Template is { } t ? ChatTemplates.Jinja(t) : BaseChatTemplate(source);
        var endOfTurn = options.Template is null && jinja is not null ? EndOfTurn(source, tokenizer) : null;
        var written = new List<string>();
        foreach (var type in options.Types.Distinct())
        {
            GgufExporter.Write(model, vocabulary, new GgufExportOptions(type, name, jinja, endOfTurn), Path.Combine(folder, FileName(type)));
            written.Add(FileName(type));
        }

        var eos = model.Config.EosTokenIds.Append(endOfTurn ?? -1).Where(id => id >= 0 && id < vocabulary.Tokens.Count).Select(id => vocabulary.Tokens[id]).ToList();
        File.WriteAllText(Path.Combine(folder, OllamaModelfile.FileName), OllamaModelfile.Build(written[0], options.Template, eos));
        written.Add(OllamaModelfile.FileName);
        return written;
    }

    /// <summary>Runs every GGUF in <paramref name="folder"/> in llama.cpp beside <paramref name="source"/>
    /// run by us; returns the problem (or null) and per-type metrics.</summary>
    public static (string? Problem, Dictionary<string, double> Metrics, List<string> Lines) Verify(string source, GgufPackageOptions options, string folder, string prompt, int tokens)
    {
        var metrics = new Dictionary<string, double>();
        var lines = new List<string>();
        using var model = LlamaLoader.Load(source);
        var tokenizer = TokenizerLoader.ForModel(source, model.Config);
        foreach (var type in options.Types.Distinct())
        {
            var path = Path.Combine(folder, FileName(type));
            GgufComparison comparison;
            try
            {
                comparison = GgufComparison.Run(model, tokenizer, path, prompt, tokens, null);
            }
            catch (Torch.ModelLoadException e)
            {
                return ($"{FileName(type)}: {e.Message}", metrics, lines);
            }

            var key = type.ToString().ToLowerInvariant();
            metrics[$"gguf_{key}_greedy_match"] = comparison.GreedyAgrees ? 1 : 0;
            metrics[$"gguf_{key}_loglik_mean_abs_diff"] = comparison.MeanAbsLogLikelihoodDifference;
            lines.Add($"{FileName(type)} in llama.cpp: greedy {(comparison.GreedyAgrees ? "equals ours" : "differs from ours")} " +
                $"(\"{tokenizer.Decode(comparison.TheirGreedy)}\"), log-likelihood |Δ| mean {comparison.MeanAbsLogLikelihoodDifference:G3} nats");
            if (!(comparison.MeanAbsLogLikelihoodDifference <= MaxMeanLogLikelihoodDifference))
                return ($"{FileName(type)}: llama.cpp's log-likelihoods differ from ours by {comparison.MeanAbsLogLikelihoodDifference:G3} nats per token on average (limit {MaxMeanLogLikelihoodDifference}); the file does not hold the model", metrics, lines);
        }

        return (null, metrics, lines);
    }

    // The end-of-turn token of the model's own chat template (a merged adapter's, when it added one), when it is one token.
    private static int? EndOfTurn(string source, TextTokenizer tokenizer)
    {
        try
        {
            return Torch.Chat.ChatTemplate.Load("auto", source, tokenizer).EndOfTurnId is { } id && !tokenizer.EosIds.Take(1).Contains(id) ? id : null;
        }
        catch (Exception e) when (e is Torch.ModelLoadException or Torch.Chat.Jinja.JinjaException)
        {
            return null;
        }
    }

    private static string? BaseChatTemplate(string source)
    {
        var folder = Directory.Exists(source) ? source : Path.GetDirectoryName(Path.GetFullPath(source))!;
        var path = Path.Combine(folder, "tokenizer_config.json");
        if (!File.Exists(path)) return null;
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return document.RootElement.TryGetProperty("chat_template", out var template) && template.ValueKind == JsonValueKind.String ? template.GetString() : null;
    }
}
