using System.Text.Json;
using System.Text.Json.Nodes;
using Workflows.Torch.Gguf;
using Workflows.Torch.Llama;

namespace Workflows.Steps.Package;

/// <summary>
/// <c>tokenizer_config.json</c> and <c>special_tokens_map.json</c> for a package whose base lacks
/// them, so transformers' <c>AutoTokenizer</c> loads the tokenizer with the model's special tokens,
/// its <c>model_max_length</c> and the chat template it was trained with.
/// </summary>
internal static class TokenizerFiles
{
    public const string ConfigFile = "tokenizer_config.json";
    public const string SpecialTokensFile = "special_tokens_map.json";

    /// <summary>Writes the files that are missing from <paramref name="folder"/>; a chat template is added to an existing config that has none.</summary>
    public static void Complete(string folder, LlamaConfig config, string tokenizerFile, string? chatTemplate)
    {
        var vocabulary = GgufVocabulary.Read(tokenizerFile);
        string? Text(int? id) => id is { } i && i >= 0 && i < vocabulary.Tokens.Count ? vocabulary.Tokens[i] : null;
        var special = new JsonObject();
        if (Text(config.BosTokenId) is { } bos) special["bos_token"] = bos;
        if (config.EosTokenIds.Count > 0 && Text(config.EosTokenIds[0]) is { } eos) special["eos_token"] = eos;
        var unknown = vocabulary.Types.ToList().IndexOf(2);
        if (unknown >= 0) special["unk_token"] = vocabulary.Tokens[unknown];
        var options = new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        var specialPath = Path.Combine(folder, SpecialTokensFile);
        if (!File.Exists(specialPath)) File.WriteAllText(specialPath, special.ToJsonString(options) + "\n");
        var configPath = Path.Combine(folder, ConfigFile);
        if (File.Exists(configPath))
        {
            var existing = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
            if (chatTemplate is null || existing.ContainsKey("chat_template")) return;
            existing["chat_template"] = chatTemplate;
            File.WriteAllText(configPath, existing.ToJsonString(options) + "\n");
            return;
        }

        var sentencePiece = vocabulary.Model == "llama";
        var tokenizer = new JsonObject
        {
            ["tokenizer_class"] = sentencePiece ? "LlamaTokenizer" : "PreTrainedTokenizerFast",
            ["add_bos_token"] = config.BosTokenId is not null,
            ["add_eos_token"] = false,
            ["model_max_length"] = config.MaxPositionEmbeddings,
            ["clean_up_tokenization_spaces"] = false,
        };
        if (sentencePiece) tokenizer["legacy"] = true;
        foreach (var (key, value) in special) tokenizer[key] = value?.DeepClone();
        if (chatTemplate is not null) tokenizer["chat_template"] = chatTemplate;
        File.WriteAllText(configPath, tokenizer.ToJsonString(options) + "\n");
    }
}
