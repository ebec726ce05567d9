using System.Text.Json.Nodes;
using Workflows.Torch.Llama;

namespace Workflows.Steps.Merge;

/// <summary>The files of a Hugging Face model folder besides the weights and config: tokenizer files,
/// licence and <c>generation_config.json</c>.</summary>
internal static class HfFolderFiles
{
    private static readonly string[] Companions =
        ["tokenizer.model", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json", "LICENSE", "LICENSE.txt"];

    /// <summary>Copies the companion files of the model at <paramref name="source"/> (a folder, or a
    /// file inside one) into <paramref name="folder"/>, writing a <c>generation_config.json</c> from the
    /// config's special ids when the source has none. Returns the names copied.</summary>
    public static List<string> CopyCompanions(string source, LlamaConfig config, string folder)
    {
        var from = Directory.Exists(source) ? source : Path.GetDirectoryName(Path.GetFullPath(source))!;
        var copied = new List<string>();
        foreach (var name in Companions.Append($"tok{config.VocabSize}.model").Append("generation_config.json"))
        {
            var path = Path.Combine(from, name);
            if (!File.Exists(path)) continue;
            File.Copy(path, Path.Combine(folder, name), overwrite: true);
            copied.Add(name);
        }

        if (!copied.Contains("generation_config.json"))
        {
            var generation = new JsonObject { ["bos_token_id"] = config.BosTokenId, ["_from_model_config"] = true };
            generation["eos_token_id"] = config.EosTokenIds.Count == 1 ? config.EosTokenIds[0] : new JsonArray(config.EosTokenIds.Select(i => (JsonNode)i).ToArray());
            File.WriteAllText(Path.Combine(folder, "generation_config.json"), generation.ToJsonString(new() { WriteIndented = true }) + "\n");
            copied.Add("generation_config.json");
        }

        return copied;
    }
}
