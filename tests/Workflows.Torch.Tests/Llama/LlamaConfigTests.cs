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
        Assert.That(error.Message, Does.StartWith(folder.File("config.json")).And.Contain("unsupported model_type 'gpt_neox'"));
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
