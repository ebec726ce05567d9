using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workflows.Steps.Package;
using Workflows.Steps.Tests.Merge;
using Workflows.Steps.Tests.TestSupport;
using Workflows.Steps.Train;
using YamlDotNet.RepresentationModel;

namespace Workflows.Steps.Tests.Package;

/// <summary>The card's front matter against the fields the Hugging Face hub documents
/// (huggingface.co/docs/hub/model-cards, modelcard.md template and model-index spec).</summary>
public class PackageCardTests
{
    // Top-level keys of the hub's model card metadata (huggingface_hub's ModelCardData and the documented template).
    private static readonly HashSet<string> HubKeys =
    [
        "language", "license", "license_name", "license_link", "library_name", "tags", "datasets", "metrics", "base_model",
        "base_model_relation", "new_version", "pipeline_tag", "model-index", "inference", "widget", "thumbnail", "co2_eq_emissions", "extra_gated_prompt",
    ];

    // A few of the hub's licence identifiers (huggingface.co/docs/hub/repositories-licenses).
    private static readonly HashSet<string> HubLicenses = ["mit", "apache-2.0", "bsd-3-clause", "bsd-2-clause", "gpl-3.0", "cc-by-4.0", "llama2", "llama3", "other"];

    [Test]
    public async Task RunAsync_ModelWithEvaluateReport_FrontMatterHasHubFieldsAndModelIndex()
    {
        using var context = new TestStepContext();
        var report = Directory.CreateDirectory(Path.Combine(context.Root, "inputs", "evaluate")).FullName;
        File.WriteAllText(Path.Combine(report, "report.md"), $"# Evaluation\n\ndataset `{Path.Combine(context.Root, "inputs", "val.jsonl")}`\n");
        File.WriteAllText(Path.Combine(report, "report.json"), """
            {"tasks": {"validation": {"type": "perplexity", "dataset": "/somewhere/data/val.jsonl"}},
             "results": [{"name": "base", "tasks": {"validation": {"metrics": {"perplexity": 1e9, "items": 9}}}},
                         {"name": "tuned", "tasks": {"validation": {"metrics": {"perplexity": 134.5, "loss": 4.9, "items": 9}}}}]}
            """);

        var result = await new PackageStep().RunAsync(new PackageOptions { Model = TinyAdapters.Stories260K, Reports = [report], Title = "tiny" }, context, CancellationToken.None);

        Assert.That(result.Success, Is.True, result.Error);
        var card = File.ReadAllText(Path.Combine(context.Outputs["package"], "README.md"));
        var front = FrontMatter(card);
        Assert.Multiple(() =>
        {
            Assert.That(front.Children.Keys.Select(k => ((YamlScalarNode)k).Value!), Is.SubsetOf(HubKeys));
            Assert.That(HubLicenses, Does.Contain(Scalar(front, "license")), "stories260K's LICENSE is MIT");
            Assert.That(Scalar(front, "license"), Is.EqualTo("mit"));
            Assert.That(Scalar(front, "pipeline_tag"), Is.EqualTo("text-generation"));
            Assert.That(Scalar(front, "library_name"), Is.EqualTo("transformers"));
            Assert.That(front.Children.ContainsKey("base_model"), Is.False, "no hub id is known for a local base");
        });
        var index = (YamlSequenceNode)front["model-index"];
        var entry = (YamlMappingNode)index[0];
        Assert.That(Scalar(entry, "name"), Is.EqualTo("tiny"));
        var first = (YamlMappingNode)((YamlSequenceNode)entry["results"])[0];
        Assert.That(Scalar((YamlMappingNode)first["task"], "type"), Is.EqualTo("text-generation"));
        Assert.That(Scalar((YamlMappingNode)first["dataset"], "type"), Is.EqualTo("val"));
        Assert.That(Scalar((YamlMappingNode)first["dataset"], "name"), Is.EqualTo("validation"));
        var metrics = ((YamlSequenceNode)first["metrics"]).Cast<YamlMappingNode>().ToDictionary(m => Scalar(m, "type"), m => double.Parse(Scalar(m, "value"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(metrics, Is.EquivalentTo(new Dictionary<string, double> { ["perplexity"] = 134.5, ["loss"] = 4.9 }), "the tuned model's metrics, not the base's");
        Assert.That(Regex.IsMatch(card, @"(?<![:/\w.])/(?:[\w.+-]+/){2,}"), Is.False, "no absolute local path in the card:\n" + card);
    }

    [Test]
    public async Task RunAsync_Model_WritesTokenizerConfigWithSpecialTokensAndTemplate()
    {
        using var context = new TestStepContext();
        var options = new PackageOptions { Model = TinyAdapters.Stories260K, Gguf = new GgufPackageOptions { Template = PromptTemplate.Alpaca } };

        var result = await new PackageStep().RunAsync(options, context, CancellationToken.None);

        Assert.That(result.Success, Is.True, result.Error);
        var folder = context.Outputs["package"];
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "tokenizer_config.json")))!;
        var special = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "special_tokens_map.json")))!;
        Assert.Multiple(() =>
        {
            Assert.That(config["tokenizer_class"]!.GetValue<string>(), Is.EqualTo("LlamaTokenizer"));
            Assert.That(config["bos_token"]!.GetValue<string>(), Is.EqualTo("<s>"));
            Assert.That(config["eos_token"]!.GetValue<string>(), Is.EqualTo("</s>"));
            Assert.That(config["model_max_length"]!.GetValue<int>(), Is.EqualTo(512));
            Assert.That(config["chat_template"]!.GetValue<string>(), Does.Contain("### Instruction:"));
            Assert.That(special["unk_token"]!.GetValue<string>(), Is.EqualTo("<unk>"));
        });
    }

    [Test]
    public async Task RunAsync_AdapterWithLocalBase_BasePathRelativeToProject()
    {
        using var context = new TestStepContext();
        var adapter = TinyAdapters.Write(Path.Combine(context.Root, "inputs", "adapter"), seed: 3);

        var result = await new PackageStep().RunAsync(new PackageOptions { Adapter = adapter, BaseModel = TinyAdapters.Stories260K }, context, CancellationToken.None);

        Assert.That(result.Success, Is.True, result.Error);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(context.Outputs["package"], "adapter_config.json")))!;
        Assert.That(config["base_model_name_or_path"]!.GetValue<string>(), Is.EqualTo("../shared/models/stories260K"));
    }

    [TestCase("/home/me/project/data/x.jsonl", "/home/me/project", "data/x.jsonl")]
    [TestCase("/home/me/shared/models/m", "/home/me/project", "../shared/models/m")]
    [TestCase("see /opt/a/b/c.txt and https://x.org/a/b/c", "/home/me/project", "see …/b/c.txt and https://x.org/a/b/c")]
    public void Scrub_AbsolutePaths_Relative(string text, string root, string expected) =>
        Assert.That(PathScrubber.Scrub(text, root), Is.EqualTo(expected));

    private static YamlMappingNode FrontMatter(string card)
    {
        Assert.That(card, Does.StartWith("---\n"));
        var end = card.IndexOf("\n---\n", 4, StringComparison.Ordinal);
        var yaml = new YamlStream();
        yaml.Load(new StringReader(card[4..end]));
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value!;
}
