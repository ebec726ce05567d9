using System.Text.Json;
using System.Text.Json.Nodes;
using Workflows.Steps.Merge;
using Workflows.Torch.Adapters;
using Workflows.Torch.Checkpoints;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;
using static TorchSharp.torch;

namespace Workflows.Steps.Package;

/// <summary>Writes the weights and companion files of a package in the requested dtype.</summary>
internal static class PackageWriter
{
    public static ScalarType ToScalar(PackageDtype dtype) => dtype switch
    {
        PackageDtype.Bf16 => ScalarType.BFloat16,
        PackageDtype.Fp16 => ScalarType.Float16,
        _ => ScalarType.Float32,
    };

    /// <summary>An HF model folder: config.json (with its torch_dtype), model.safetensors, tokenizer files, generation_config.json.</summary>
    public static void WriteModel(string source, ScalarType dtype, string folder, string? chatTemplate)
    {
        using var model = LlamaLoader.Load(source, dtype: dtype);
        LlamaSaver.Save(model, folder);
        HfFolderFiles.CopyCompanions(source, model.Config, folder);
        TokenizerFiles.Complete(folder, model.Config, TokenizerLoader.ForModel(folder, model.Config).Source, chatTemplate);
    }

    /// <summary>Points the packaged adapter's <c>base_model_name_or_path</c> at something a user can
    /// resolve: a hub id when the config or the base names one, else the base's path relative to the
    /// project root. Returns the value written (or kept).</summary>
    public static string? ResolveAdapterBase(string folder, string? baseModel, string projectRoot)
    {
        var path = Path.Combine(folder, PeftAdapterFiles.ConfigFile);
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var current = config["base_model_name_or_path"]?.GetValue<string>();
        var resolved = current is not null && CardMetadata.IsHubId(current) ? current
            : baseModel is null ? current
            : CardMetadata.HubId(baseModel) ?? Path.GetRelativePath(projectRoot, Path.GetFullPath(baseModel, projectRoot)).Replace('\\', '/');
        if (resolved == current) return current;
        config["base_model_name_or_path"] = resolved;
        File.WriteAllText(path, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return resolved;
    }

    /// <summary>A PEFT adapter folder: adapter_config.json as is, adapter_model.safetensors with floating tensors cast to <paramref name="dtype"/>.</summary>
    public static void WriteAdapter(string source, ScalarType dtype, string folder)
    {
        PeftAdapterFiles.ReadConfig(source);                                   // refuses a folder that is not a LoRA adapter
        var weights = Path.Combine(source, PeftAdapterFiles.WeightsFile);
        if (!File.Exists(weights)) throw new AdapterConfigException($"{weights}: not found");
        File.Copy(Path.Combine(source, PeftAdapterFiles.ConfigFile), Path.Combine(folder, PeftAdapterFiles.ConfigFile));
        using var file = SafetensorsFile.Open(weights);
        using var scope = NewDisposeScope();
        var tensors = file.Names.Select(name =>
        {
            var tensor = file.Read(name);
            return new KeyValuePair<string, Tensor>(name, tensor.is_floating_point() ? tensor.to_type(dtype) : tensor);
        }).ToList();
        SafetensorsWriter.Write(Path.Combine(folder, PeftAdapterFiles.WeightsFile), tensors, new Dictionary<string, string> { ["format"] = "pt" });
    }
}
