using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using Workflows.Torch.Checkpoints;
using static TorchSharp.torch;

namespace Workflows.Torch.Adapters;

/// <summary>
/// Reads and writes adapters in PEFT's folder layout, so <c>PeftModel.from_pretrained</c> loads ours
/// and we load PEFT's: <c>adapter_config.json</c> and <c>adapter_model.safetensors</c> with keys
/// <c>base_model.model.&lt;path&gt;.lora_A.weight</c>, <c>….lora_B.weight</c> and, for DoRA,
/// <c>….lora_magnitude_vector</c>, and for trainable tokens (<c>trainable_token_indices</c>)
/// <c>base_model.model.model.embed_tokens.token_adapter.trainable_tokens_delta</c> (and <c>lm_head</c>'s when untied).
/// </summary>
public static class PeftAdapterFiles
{
    /// <summary>The config file name.</summary>
    public const string ConfigFile = "adapter_config.json";

    /// <summary>The weights file name.</summary>
    public const string WeightsFile = "adapter_model.safetensors";

    /// <summary>Prefix PEFT puts before a model path (<c>PeftModel.base_model</c> → <c>LoraModel.model</c>).</summary>
    public const string KeyPrefix = "base_model.model.";

    /// <summary>Writes the adapters of <paramref name="model"/> and <paramref name="config"/> to <paramref name="folder"/>.</summary>
    public static void Save(nn.Module model, LoraConfig config, string folder)
    {
        Directory.CreateDirectory(folder);
        using var scope = NewDisposeScope();
        var tensors = Tensors(model).ToDictionary(t => t.Key, t => t.Value.detach().cpu().contiguous());
        if (tensors.Count == 0) throw new AdapterConfigException("the model has no LoRA layers to save; apply an adapter first");
        SafetensorsWriter.Write(Path.Combine(folder, WeightsFile), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        WriteConfig(config, Path.Combine(folder, ConfigFile));
    }

    /// <summary>The adapter tensors of <paramref name="model"/> under their PEFT keys (no copies).</summary>
    public static IEnumerable<KeyValuePair<string, Tensor>> Tensors(nn.Module model)
    {
        foreach (var (path, layer) in AdapterInjector.Adapters(model))
        {
            yield return new($"{KeyPrefix}{path}.lora_A.weight", layer.lora_A.weight!);
            yield return new($"{KeyPrefix}{path}.lora_B.weight", layer.lora_B.weight!);
            if (layer.lora_magnitude_vector is not null) yield return new($"{KeyPrefix}{path}.lora_magnitude_vector", layer.lora_magnitude_vector);
        }

        if (model is Llama.LlamaForCausalLM llama)
        {
            foreach (var (key, rows) in TrainableTokenRows.Tensors(llama)) yield return new(KeyPrefix + key, rows);
        }
    }

    /// <summary>Reads <c>adapter_config.json</c> from <paramref name="folder"/>.</summary>
    /// <exception cref="AdapterConfigException">Missing file, not a LoRA adapter, or a bad field.</exception>
    public static LoraConfig ReadConfig(string folder)
    {
        var path = Path.Combine(folder, ConfigFile);
        if (!File.Exists(path)) throw new AdapterConfigException($"{path}: not found; an adapter folder holds {ConfigFile} and {WeightsFile}");
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            var peftType = json["peft_type"]?.GetValue<string>();
            if (peftType != "LORA") throw new AdapterConfigException($"{path}: peft_type is '{peftType}'; only LORA adapters (LoRA, DoRA, QLoRA) can be loaded");
            var targets = json["target_modules"] switch
            {
                JsonArray list => list.Select(t => t!.GetValue<string>()).ToList(),
                JsonValue single => [single.GetValue<string>()],
                _ => throw new AdapterConfigException($"{path}: target_modules is missing"),
            };
            return new LoraConfig
            {
                Rank = json["r"]!.GetValue<int>(),
                Alpha = json["lora_alpha"]!.GetValue<double>(),
                Dropout = json["lora_dropout"]?.GetValue<double>() ?? 0,
                TargetModules = targets,
                UseRsLora = json["use_rslora"]?.GetValue<bool>() ?? false,
                UseDora = json["use_dora"]?.GetValue<bool>() ?? false,
                BaseModelNameOrPath = json["base_model_name_or_path"]?.GetValue<string>(),
                TrainableTokenIndices = json["trainable_token_indices"] switch
                {
                    null => null,
                    JsonArray ids => new SortedDictionary<string, IReadOnlyList<int>>(StringComparer.Ordinal) { [TrainableTokenRows.Embedding] = Ids(ids) },
                    JsonObject byModule => new SortedDictionary<string, IReadOnlyList<int>>(byModule.ToDictionary(p => p.Key, p => Ids(p.Value as JsonArray
                        ?? throw new AdapterConfigException($"{path}: trainable_token_indices.{p.Key} must be a list of token ids"))), StringComparer.Ordinal),
                    _ => throw new AdapterConfigException($"{path}: trainable_token_indices must be a list of token ids or an object of lists"),
                },
                BaseQuantization = json[Nf4Record.Key] switch
                {
                    null => null,
                    JsonObject record => Nf4Record.FromJson(record, path),
                    _ => throw new AdapterConfigException($"{path}: {Nf4Record.Key} must be an object"),
                },
            };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NullReferenceException)
        {
            throw new AdapterConfigException($"{path}: not a valid PEFT adapter config ({e.Message})");
        }
    }

    /// <summary>
    /// Applies the adapter in <paramref name="folder"/> to <paramref name="model"/> (a private copy:
    /// it is changed) and returns its config. With <paramref name="quantiseBase"/> the base becomes NF4 first.
    /// </summary>
    /// <exception cref="AdapterConfigException">The files are missing or do not fit the model.</exception>
    public static LoraConfig Load(nn.Module model, string folder, Nf4Options? quantiseBase = null)
    {
        var config = ReadConfig(folder);
        var weightsPath = Path.Combine(folder, WeightsFile);
        if (!File.Exists(weightsPath)) throw new AdapterConfigException($"{weightsPath}: not found");
        AdapterInjector.Apply(model, config, quantiseBase);
        if (config.TrainableTokenIndices is { } tokens)
        {
            if (model is not Llama.LlamaForCausalLM llama) throw new AdapterConfigException($"{ConfigPath(folder)}: trainable_token_indices needs a Llama model");
            TrainableTokenRows.Attach(llama, tokens);
        }

        using var file = SafetensorsFile.Open(weightsPath);
        var expected = Tensors(model).ToList();
        var missing = expected.Select(e => e.Key).Where(k => !file.Contains(k)).ToList();
        var extra = file.Names.Except(expected.Select(e => e.Key)).ToList();
        if (missing.Count > 0 || extra.Count > 0)
        {
            throw new AdapterConfigException($"{weightsPath}: does not match {ConfigFile} (missing: {string.Join(", ", missing.Take(3))}{(missing.Count > 3 ? ", …" : "")}; unexpected: {string.Join(", ", extra.Take(3))}{(extra.Count > 3 ? ", …" : "")})");
        }

        using var noGrad = no_grad();
        foreach (var (key, target) in expected)
        {
            using var stored = file.Read(key);
            if (!stored.shape.SequenceEqual(target.shape)) throw new AdapterConfigException($"{weightsPath}: {key} has shape [{string.Join(", ", stored.shape)}], the model needs [{string.Join(", ", target.shape)}]");
            target.copy_(stored);
        }

        return config;
    }

    private static string ConfigPath(string folder) => Path.Combine(folder, ConfigFile);

    private static IReadOnlyList<int> Ids(JsonArray ids) => ids.Select(i => i!.GetValue<int>()).ToList();

    private static void WriteConfig(LoraConfig config, string path)
    {
        var targets = config.TargetModules.Count == 1 && !config.TargetModules[0].All(c => char.IsLetterOrDigit(c) || c is '_' or '.')
            ? (JsonNode)config.TargetModules[0]                                        // PEFT reads a lone string as a regex
            : new JsonArray(config.TargetModules.Select(t => (JsonNode)t!).ToArray());
        var json = new JsonObject
        {
            ["alpha_pattern"] = new JsonObject(),
            ["auto_mapping"] = null,
            ["base_model_name_or_path"] = config.BaseModelNameOrPath,
            ["bias"] = "none",
            ["fan_in_fan_out"] = false,
            ["inference_mode"] = true,
            ["init_lora_weights"] = true,
            ["layers_pattern"] = null,
            ["layers_to_transform"] = null,
            ["lora_alpha"] = config.Alpha,
            ["lora_dropout"] = config.Dropout,
            ["modules_to_save"] = null,
            ["peft_type"] = "LORA",
            ["r"] = config.Rank,
            ["rank_pattern"] = new JsonObject(),
            ["revision"] = null,
            ["target_modules"] = targets,
            ["task_type"] = "CAUSAL_LM",
            ["use_dora"] = config.UseDora,
            ["use_rslora"] = config.UseRsLora,
        };
        if (config.BaseQuantization is { } quantization) json[Nf4Record.Key] = Nf4Record.ToJson(quantization);
        // Written only when set, so adapters without added tokens keep the config older PEFT versions read.
        if (config.TrainableTokenIndices is { } tokens)
            json["trainable_token_indices"] = new JsonObject(tokens.Select(t => new KeyValuePair<string, JsonNode?>(t.Key, new JsonArray(t.Value.Select(i => (JsonNode)i).ToArray()))));
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        File.Move(temporary, path, overwrite: true);
    }
}
