using System.Text.Json;
using System.Text.Json.Nodes;
using Workflows.Torch.Checkpoints;
using static TorchSharp.torch;

namespace Workflows.Torch.Llama;

/// <summary>Writes a model as a Hugging Face folder (<c>config.json</c> + <c>model.safetensors</c>).</summary>
public static class LlamaSaver
{
    /// <summary>
    /// Saves <paramref name="model"/>'s parameters under their checkpoint names (so
    /// <c>transformers</c> and <see cref="LlamaLoader"/> load them), biases and q/k norms included, and its config. Parameters must
    /// be plain (merge adapters first); the folder is created if needed.
    /// </summary>
    public static void Save(LlamaForCausalLM model, string folder)
    {
        Directory.CreateDirectory(folder);
        var parameters = model.named_parameters().ToList();
        var unexpected = parameters.Select(p => p.name).FirstOrDefault(n =>
            !(n.EndsWith(".weight", StringComparison.Ordinal) || n.EndsWith(".bias", StringComparison.Ordinal))
            || n.Contains("lora", StringComparison.OrdinalIgnoreCase) || n.Contains("base_layer", StringComparison.Ordinal));
        if (unexpected is not null)
        {
            throw new InvalidOperationException($"parameter '{unexpected}' is not part of a plain {model.Config.ModelType} model; merge or remove adapters before saving");
        }

        var dtype = model.Dtype;
        SafetensorsWriter.Write(
            Path.Combine(folder, "model.safetensors"),
            parameters.Select(p => new KeyValuePair<string, Tensor>(p.name, p.parameter.detach())),
            new Dictionary<string, string> { ["format"] = "pt" });

        var config = JsonSerializer.SerializeToNode(model.Config)!.AsObject();
        // Absent and null mean the same except for Mistral's sliding_window (absent: 4096), so that one stays.
        foreach (var key in config.Where(p => p.Value is null && p.Key != "sliding_window").Select(p => p.Key).ToList())
        {
            config.Remove(key);
        }

        if (model.Config.ModelType != "mistral" && config["sliding_window"] is null) config.Remove("sliding_window");
        config["architectures"] = new JsonArray(model.Config.Architecture);
        config["torch_dtype"] = dtype switch
        {
            ScalarType.BFloat16 => "bfloat16",
            ScalarType.Float16 => "float16",
            _ => "float32",
        };
        File.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
