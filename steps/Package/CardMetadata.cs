using System.Text.Json;
using YamlDotNet.Serialization;

namespace Workflows.Steps.Package;

/// <summary>
/// The YAML front matter of the model card, with the fields the Hugging Face hub documents
/// (huggingface.co/docs/hub/model-cards#model-card-metadata): license, base_model (a hub id only),
/// pipeline_tag, library_name, tags, datasets (hub ids only) and model-index with the evaluation results.
/// </summary>
internal static class CardMetadata
{
    public static string Build(string title, bool isAdapter, bool hasHf, bool hasGguf, string? license, string? baseModelId,
        IReadOnlyList<string> datasetIds, IReadOnlyList<ModelIndex.Entry> results)
    {
        var metadata = new Dictionary<string, object>();
        if (license is not null) metadata["license"] = license;
        if (baseModelId is not null) metadata["base_model"] = baseModelId;
        metadata["pipeline_tag"] = "text-generation";
        metadata["library_name"] = isAdapter ? "peft" : hasHf ? "transformers" : "gguf";
        var tags = new List<string> { "workflows", "llama", "text-generation" };
        if (isAdapter) tags.Add("lora");
        if (hasGguf) tags.Add("gguf");
        metadata["tags"] = tags;
        if (datasetIds.Count > 0) metadata["datasets"] = datasetIds.ToList();
        if (results.Count > 0)
        {
            metadata["model-index"] = new List<object>
            {
                new Dictionary<string, object>
                {
                    ["name"] = title,
                    ["results"] = results.GroupBy(r => r.Task).Select(task => (object)new Dictionary<string, object>
                    {
                        ["task"] = new Dictionary<string, object> { ["type"] = "text-generation", ["name"] = $"{task.Key} ({task.First().TaskType})" },
                        ["dataset"] = new Dictionary<string, object> { ["name"] = task.Key, ["type"] = task.First().Dataset },
                        ["metrics"] = task.Select(m => (object)new Dictionary<string, object>
                        {
                            ["type"] = m.Metric, ["value"] = Math.Round(m.Value, 6), ["name"] = $"{task.Key} {m.Metric}",
                        }).ToList(),
                    }).ToList(),
                },
            };
        }

        return "---\n" + new SerializerBuilder().Build().Serialize(metadata) + "---\n";
    }

    /// <summary>A hub id (<c>owner/name</c>) the model folder's config names as its origin, or null.</summary>
    public static string? HubId(string modelFolder)
    {
        var config = Path.Combine(modelFolder, "config.json");
        if (!File.Exists(config)) return null;
        using var document = JsonDocument.Parse(File.ReadAllBytes(config));
        return document.RootElement.TryGetProperty("_name_or_path", out var name) && name.GetString() is { } id && IsHubId(id) ? id : null;
    }

    /// <summary>Whether <paramref name="id"/> has the hub's <c>owner/name</c> form (and is no local path).</summary>
    public static bool IsHubId(string id) =>
        System.Text.RegularExpressions.Regex.IsMatch(id, "^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$") && !id.StartsWith('.') && !Directory.Exists(id);
}
