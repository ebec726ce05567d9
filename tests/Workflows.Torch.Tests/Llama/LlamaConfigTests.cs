using System.Text.Json.Nodes;
using NUnit.Framework;
using Workflows.Torch.Llama;

namespace Workflows.Torch.Tests.Llama;

public class LlamaConfigTests
{
    [Test]
    public void Load_Stories260K_BindsHfKeys()
    {
        var config = LlamaConfig.Load(Path.Combine(SharedAssets.Stories260K, "config.json"));
        Assert.That(
            (config.HiddenSize, config.IntermediateSize, config.NumHiddenLayers, config.NumAttentionHeads, config.KeyValueHeads, config.VocabSize, config.HeadDim),
            Is.EqualTo((64, 172, 5, 8, 4, 512, 8)));
        Assert.That(config.TieWordEmbeddings, Is.True);
        Assert.That(config.RopeTheta, Is.EqualTo(10000.0));
        Assert.That(config.BosTokenId, Is.EqualTo(1));
        Assert.That(config.EosTokenIds, Is.EqualTo(new[] { 2 }));
    }

    [Test]
    public void Load_UnknownModelType_NamesFileAndType()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.File("config.json"), File.ReadAllText(Path.Combine(SharedAssets.Stories260K, "config.json")).Replace("\"llama\"", "\"gpt_neox\""));
        var error = Expect.Failure<ModelLoadException>(() => LlamaConfig.Load(folder.File("config.json")));
        Assert.That(error.Message, Does.StartWith(folder.File("config.json")).And.Contain("unsupported model_type 'gpt_neox'")
            .And.Contain("supported: llama, mistral, qwen2, qwen3"));
    }

    [TestCase("llama-3.2-1b-instruct", "llama")]
    [TestCase("tinyllama-1.1b-chat", "llama")]
    [TestCase("qwen2.5-0.5b-instruct", "qwen2")]
    [TestCase("qwen3-0.6b", "qwen3")]
    [TestCase("mistral-7b-instruct-v0.3", "mistral")]
    public void Load_RealFamilyConfig_Parses(string folder, string modelType)
    {
        var config = LlamaConfig.Load(Path.Combine(SharedAssets.Shared, "tokenizers", "families", folder, "config.json"));
        Assert.That(config.ModelType, Is.EqualTo(modelType));
        Assert.That(config.EosTokenIds, Is.Not.Empty);
    }

    [Test]
    public void Load_RealLlama32Config_ReadsLlama3RopeScalingAndEosList()
    {
        var config = LlamaConfig.Load(Path.Combine(SharedAssets.Shared, "tokenizers", "families", "llama-3.2-1b-instruct", "config.json"));
        Assert.That(config.Rope, Is.EqualTo(new RopeScaling("llama3", 32, 1, 4, 8192)));
        Assert.That(config.EosTokenIds, Is.EqualTo(new[] { 128001, 128008, 128009 }));
        Assert.That((config.HeadDim, config.TieWordEmbeddings, config.QkvBias, config.AttentionWindow), Is.EqualTo((64, true, false, (int?)null)));
    }

    [Test]
    public void Load_RealQwenAndMistralConfigs_ResolveFamilyFeatures()
    {
        LlamaConfig Real(string folder) => LlamaConfig.Load(Path.Combine(SharedAssets.Shared, "tokenizers", "families", folder, "config.json"));
        var qwen25 = Real("qwen2.5-0.5b-instruct");
        Assert.That((qwen25.QkvBias, qwen25.OutputBias, qwen25.QkNorm, qwen25.AttentionWindow), Is.EqualTo((true, false, false, (int?)null)));
        var qwen3 = Real("qwen3-0.6b");
        Assert.That((qwen3.QkvBias, qwen3.QkNorm, qwen3.HeadDim), Is.EqualTo((false, true, 128)));
        var mistral = Real("mistral-7b-instruct-v0.3");
        Assert.That((mistral.QkvBias, mistral.AttentionWindow, mistral.TieWordEmbeddings), Is.EqualTo((false, (int?)null, false)));
    }

    [Test]
    public void Load_MistralWithoutSlidingWindowKey_TakesMistralDefault4096()
    {
        var config = LoadEdited("mistral-7b-instruct-v0.3", json => json.Remove("sliding_window"));
        Assert.That(config.AttentionWindow, Is.EqualTo(4096));
    }

    [Test]
    public void Load_UnsupportedRopeType_NamesItAndTheSupportedOnes()
    {
        var error = Expect.Failure<ModelLoadException>(() => LoadEdited("llama-3.2-1b-instruct",
            json => json["rope_scaling"] = JsonNode.Parse("""{"rope_type": "yarn", "factor": 4.0}""")));
        Assert.That(error.Message, Does.Contain("rope_type 'yarn' is not supported").And.Contain("default, linear, dynamic, llama3"));
    }

    [Test]
    public void Load_RopeScalingWithUnknownKey_NamesTheKey()
    {
        var error = Expect.Failure<ModelLoadException>(() => LoadEdited("llama-3.2-1b-instruct",
            json => json["rope_scaling"]!["mrope_section"] = JsonNode.Parse("[1, 2]")));
        Assert.That(error.Message, Does.Contain("'mrope_section'"));
    }

    [TestCase("attn_logit_softcapping", "50.0")]
    [TestCase("partial_rotary_factor", "0.5")]
    [TestCase("quantization_config", "{}")]
    public void Load_UnknownKeyThatMayChangeTheMaths_IsRefusedByName(string key, string value)
    {
        var error = Expect.Failure<ModelLoadException>(() => LoadEdited("tinyllama-1.1b-chat", json => json[key] = JsonNode.Parse(value)));
        Assert.That(error.Message, Does.Contain($"'{key}'").And.Contain("config.json"));
    }

    [Test]
    public void Load_QwenWithSlidingWindowOn_IsRefusedSayingWhatToDo()
    {
        var error = Expect.Failure<ModelLoadException>(() => LoadEdited("qwen2.5-0.5b-instruct", json => json["use_sliding_window"] = true));
        Assert.That(error.Message, Does.Contain("use_sliding_window: true").And.Contain("set it to false"));
    }

    private static LlamaConfig LoadEdited(string family, Action<JsonObject> edit)
    {
        using var folder = new TemporaryFolder();
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(SharedAssets.Shared, "tokenizers", "families", family, "config.json")))!.AsObject();
        edit(json);
        File.WriteAllText(folder.File("config.json"), json.ToJsonString());
        return LlamaConfig.Load(folder.File("config.json"));
    }

    [Test]
    public void Load_MissingFile_SaysWhatIsNeeded()
    {
        var error = Expect.Failure<ModelLoadException>(() => LlamaConfig.Load("/nonexistent/config.json"));
        Assert.That(error.Message, Does.Contain("/nonexistent/config.json").And.Contain("not found"));
    }

    [Test]
    public void Validate_HeadsNotMultipleOfKvHeads_Throws()
    {
        var config = new LlamaConfig { HiddenSize = 64, IntermediateSize = 8, NumHiddenLayers = 1, NumAttentionHeads = 8, NumKeyValueHeads = 3, VocabSize = 10 };
        Assert.That(() => config.Validate("x"), Throws.TypeOf<ModelLoadException>().With.Message.Contain("num_key_value_heads 3"));
    }
}
