using System.Text.Json.Nodes;
using Workflows.Torch.Chat;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;

namespace Workflows.Steps.Merge;

/// <summary>
/// The tokenizer of a merged model whose adapter carries its own (tokens added in training, the chat
/// template it was trained with): the adapter's tokenizer files replace the base's, and the template's
/// end-of-turn token joins <c>generation_config.json</c>'s <c>eos_token_id</c>, so transformers' and our
/// generation stop at the end of the assistant's turn.
/// </summary>
internal static class MergedTokenizer
{
    private static readonly string[] Files = ["tokenizer.model", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", AddedTokens.FileName];

    /// <summary>Whether <paramref name="adapterFolder"/> ships tokenizer files.</summary>
    public static bool ShipsTokenizer(string adapterFolder) => File.Exists(Path.Combine(adapterFolder, "tokenizer_config.json"));

    /// <summary>Copies the adapter's tokenizer files over the base's in <paramref name="folder"/> and returns the
    /// end-of-turn id added to the stop ids, if any.</summary>
    public static int? Carry(string adapterFolder, LlamaConfig config, string folder)
    {
        foreach (var name in Files)
        {
            var path = Path.Combine(adapterFolder, name);
            if (File.Exists(path)) File.Copy(path, Path.Combine(folder, name), overwrite: true);
        }

        return JoinEndOfTurn(config, folder);
    }

    /// <summary>Adds the end-of-turn id of the chat template in <paramref name="folder"/>'s <c>tokenizer_config.json</c> to its
    /// <c>generation_config.json</c>'s <c>eos_token_id</c>; returns it when it was added. A folder without a
    /// <c>tokenizer_config.json</c> (a llama2.c tokenizer has no Hugging Face form to carry a template) has no template to read.</summary>
    public static int? JoinEndOfTurn(LlamaConfig config, string folder)
    {
        var configPath = Path.Combine(folder, "tokenizer_config.json");
        if (!File.Exists(configPath)) return null;
        var tokenizer = TokenizerLoader.ForModel(folder, config);
        var tokenizerConfig = JsonNode.Parse(File.ReadAllText(configPath))!;
        if (tokenizerConfig["chat_template"] is null) return null;
        var endOfTurn = ChatTemplate.Load("auto", folder, tokenizer).EndOfTurnId;
        var generationPath = Path.Combine(folder, "generation_config.json");
        if (endOfTurn is not { } id || !File.Exists(generationPath)) return null;
        var generation = JsonNode.Parse(File.ReadAllText(generationPath))!.AsObject();
        var eos = generation["eos_token_id"] switch
        {
            JsonArray list => list.Select(e => e!.GetValue<int>()).ToList(),
            JsonValue one => [one.GetValue<int>()],
            _ => new List<int>(config.EosTokenIds),
        };
        if (eos.Contains(id)) return null;
        generation["eos_token_id"] = new JsonArray([.. eos.Append(id).Select(e => (JsonNode)e)]);
        File.WriteAllText(generationPath, generation.ToJsonString(new() { WriteIndented = true }) + "\n");
        return id;
    }
}
