using NUnit.Framework;
using Workflows.Torch.Checkpoints;
using Workflows.Torch.Llama;
using static TorchSharp.torch;

namespace Workflows.Torch.Tests.Llama;

public class LlamaLoaderTests
{
    [Test]
    public void Load_Safetensors_ParameterNamesEqualCheckpointKeys()
    {
        var model = LlamaLoader.Load(SharedAssets.Stories260K);
        using var file = SafetensorsFile.Open(Path.Combine(SharedAssets.Stories260K, "model.safetensors"));
        Assert.That(model.named_parameters().Select(p => p.name), Is.EquivalentTo(file.Names));
        Assert.That(model.lm_head, Is.Null, "tied embeddings have no separate head");
        Assert.That(model.parameters().Sum(p => p.numel()), Is.EqualTo(260_032));
    }

    [Test]
    public void Load_Llama2cBin_GivesSameWeightsAsSafetensors()
    {
        var hf = LlamaLoader.Load(SharedAssets.Stories260K);
        var llama2c = LlamaLoader.Load(SharedAssets.Stories260KBin);
        var expected = hf.state_dict();
        foreach (var (name, value) in llama2c.state_dict())
        {
            Assert.That(TensorAssert.Identical(value, expected[name]), Is.True, name);
        }

        Assert.That(SameShape(llama2c.Config, hf.Config), Is.True, "the .bin header describes the same architecture as config.json");
    }

    [Test]
    public void Load_ShapeDisagreesWithConfig_NamesFileAndTensor()
    {
        using var folder = new TemporaryFolder();
        File.Copy(Path.Combine(SharedAssets.Stories260K, "model.safetensors"), folder.File("model.safetensors"));
        File.WriteAllText(folder.File("config.json"), File.ReadAllText(Path.Combine(SharedAssets.Stories260K, "config.json")).Replace("\"intermediate_size\": 172", "\"intermediate_size\": 128"));
        var error = Expect.Failure<ModelLoadException>(() => LlamaLoader.Load(folder.Path));
        Assert.That(error.Message, Does.Contain("model.safetensors").And.Contain("'model.layers.0.mlp.gate_proj.weight' has shape [172, 64]").And.Contain("config.json implies [128, 64]"));
    }

    [Test]
    public void Load_MissingPath_SaysWhatToGive()
    {
        var error = Expect.Failure<ModelLoadException>(() => LlamaLoader.Load("/nonexistent/model"));
        Assert.That(error.Message, Does.StartWith("/nonexistent/model: model path not found"));
    }

    [Test]
    public void Load_FolderWithoutWeights_SaysWhatIsMissing()
    {
        using var folder = new TemporaryFolder();
        File.Copy(Path.Combine(SharedAssets.Stories260K, "config.json"), folder.File("config.json"));
        var error = Expect.Failure<ModelLoadException>(() => LlamaLoader.Load(folder.Path));
        Assert.That(error.Message, Does.Contain("no model.safetensors"));
    }

    [Test]
    public void Load_TruncatedLlama2cBin_ReportsSizeMismatch()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllBytes(folder.File("cut.bin"), File.ReadAllBytes(SharedAssets.Stories260KBin).AsSpan(0, 5000).ToArray());
        var error = Expect.Failure<ModelLoadException>(() => LlamaLoader.Load(folder.File("cut.bin")));
        Assert.That(error.Message, Does.Contain("cut.bin").And.Contain("truncated"));
    }

    [Test]
    public void CreateRandom_SameSeed_SameWeights()
    {
        var config = new LlamaConfig { HiddenSize = 16, IntermediateSize = 24, NumHiddenLayers = 1, NumAttentionHeads = 2, VocabSize = 32, MaxPositionEmbeddings = 8 };
        var a = LlamaLoader.CreateRandom(config, seed: 3);
        var b = LlamaLoader.CreateRandom(config, seed: 3);
        Assert.That(TensorAssert.Identical(a.model.layers[0].self_attn.q_proj.parameters().First(), b.model.layers[0].self_attn.q_proj.parameters().First()), Is.True);
        Assert.That(a.lm_head, Is.Not.Null, "untied config has its own head");
    }

    [Test]
    public void Save_ThenLoad_GivesSameWeightsAndConfig()
    {
        using var folder = new TemporaryFolder();
        var original = LlamaLoader.Load(SharedAssets.Stories260KBin);
        LlamaSaver.Save(original, folder.Path);

        var reloaded = LlamaLoader.Load(folder.Path);
        Assert.That(reloaded.Config with { EosTokenIdValue = null }, Is.EqualTo(original.Config with { EosTokenIdValue = null }));
        Assert.That(reloaded.Config.EosTokenIds, Is.EqualTo(new[] { 2 }));
        Assert.That(File.ReadAllBytes(folder.File("model.safetensors")), Is.EqualTo(File.ReadAllBytes(Path.Combine(SharedAssets.Stories260K, "model.safetensors"))));
    }

    private static bool SameShape(LlamaConfig a, LlamaConfig b) =>
        (a.HiddenSize, a.IntermediateSize, a.NumHiddenLayers, a.NumAttentionHeads, a.KeyValueHeads, a.VocabSize, a.MaxPositionEmbeddings, a.TieWordEmbeddings)
        == (b.HiddenSize, b.IntermediateSize, b.NumHiddenLayers, b.NumAttentionHeads, b.KeyValueHeads, b.VocabSize, b.MaxPositionEmbeddings, b.TieWordEmbeddings);
}
