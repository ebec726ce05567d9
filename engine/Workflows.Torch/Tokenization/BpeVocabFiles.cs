using System.Text.Json;

namespace Workflows.Torch.Tokenization;

/// <summary>
/// Reads the "slow" byte-level BPE files, <c>vocab.json</c> + <c>merges.txt</c>, with the added
/// tokens and tokenizer class of the <c>tokenizer_config.json</c> beside them. The class picks the
/// pre-tokenizer regex the files themselves do not carry: GPT-2's or Qwen2's (with NFC).
/// </summary>
internal static class BpeVocabFiles
{
    public static TokenizerParts Load(string vocabPath)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(vocabPath))!;
        var mergesPath = Path.Combine(folder, "merges.txt");
        if (!File.Exists(mergesPath))
        {
            throw new ModelLoadException($"{vocabPath}: merges.txt is missing beside it; a vocab.json tokenizer needs both");
        }

        var vocabulary = ReadJson(vocabPath).RootElement.EnumerateObject()
            .Select(p => new KeyValuePair<string, int>(p.Name, p.Value.GetInt32())).ToList();
        var merges = File.ReadLines(mergesPath).Where(l => l.Length > 0 && !l.StartsWith("#version", StringComparison.Ordinal)).ToList();
        var special = new Dictionary<string, int>(StringComparer.Ordinal);
        var tokenizerClass = "GPT2Tokenizer";
        var configPath = Path.Combine(folder, "tokenizer_config.json");
        if (File.Exists(configPath))
        {
            using var config = ReadJson(configPath);
            if (config.RootElement.TryGetProperty("added_tokens_decoder", out var added) && added.ValueKind == JsonValueKind.Object)
            {
                foreach (var token in added.EnumerateObject())
                {
                    special[token.Value.GetProperty("content").GetString()!] = int.Parse(token.Name, System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            if (config.RootElement.TryGetProperty("tokenizer_class", out var name) && name.GetString() is { } value)
            {
                tokenizerClass = value;
            }
        }

        var (pattern, nfc) = tokenizerClass switch
        {
            "GPT2Tokenizer" or "GPT2TokenizerFast" => (ByteLevelPatterns.Gpt2, false),
            "Qwen2Tokenizer" or "Qwen2TokenizerFast" => (ByteLevelPatterns.Qwen2, true),
            _ => throw new ModelLoadException($"{configPath}: tokenizer_class '{tokenizerClass}' with vocab.json + merges.txt is not supported (supported: GPT2Tokenizer, Qwen2Tokenizer); give a tokenizer.json"),
        };
        var size = vocabulary.Select(v => v.Value).Concat(special.Values).Max() + 1;
        return new TokenizerParts(HfTokenizerJson.Create(vocabulary, merges, special, pattern, nfc), size, special);
    }

    private static JsonDocument ReadJson(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new ModelLoadException($"{path}: not valid JSON ({e.Message.Split('\n')[0]})", e);
        }
    }
}
