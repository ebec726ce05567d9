using System.Text.Json;
using NUnit.Framework;
using Workflows.Torch.Adapters;
using Workflows.Torch.Checkpoints;

namespace Workflows.Torch.Tests.Adapters;

public class PeftAdapterFilesTests
{
    [TestCase(false)]
    [TestCase(true)]
    public void Load_SavedAdapter_ReproducesLogitsExactly(bool dora)
    {
        using var folder = new TemporaryFolder();
        var config = new LoraConfig { Rank = 4, Alpha = 8, TargetModules = ["q_proj", "v_proj", "up_proj"], UseDora = dora, BaseModelNameOrPath = "stories260K" };
        var trained = AdapterModels.Fresh();
        AdapterInjector.Apply(trained, config, seed: 2);
        AdapterModels.Perturb(trained, 4);
        PeftAdapterFiles.Save(trained, config, folder.Path);

        var loaded = AdapterModels.Fresh();
        var read = PeftAdapterFiles.Load(loaded, folder.Path);
        using var expected = AdapterModels.Logits(trained);
        Assert.That(TensorAssert.Identical(AdapterModels.Logits(loaded), expected), Is.True);
        Assert.That(read with { TargetModules = config.TargetModules }, Is.EqualTo(config));
        Assert.That(read.TargetModules, Is.EqualTo(config.TargetModules));
    }

    [Test]
    public void Save_Dora_WritesPeftKeysAndConfig()
    {
        using var folder = new TemporaryFolder();
        var config = new LoraConfig { Rank = 2, TargetModules = ["q_proj"], UseDora = true };
        var model = AdapterModels.Fresh();
        AdapterInjector.Apply(model, config);
        PeftAdapterFiles.Save(model, config, folder.Path);

        using var file = SafetensorsFile.Open(System.IO.Path.Combine(folder.Path, PeftAdapterFiles.WeightsFile));
        Assert.That(file.Names, Does.Contain("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight")
            .And.Contain("base_model.model.model.layers.4.self_attn.q_proj.lora_B.weight")
            .And.Contain("base_model.model.model.layers.2.self_attn.q_proj.lora_magnitude_vector"));
        Assert.That(file.Names.Count(), Is.EqualTo(15));
        Assert.That(file.GetShape("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"), Is.EqualTo(new long[] { 2, 64 }));
        using var json = JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(folder.Path, PeftAdapterFiles.ConfigFile)));
        var root = json.RootElement;
        Assert.That(root.GetProperty("peft_type").GetString(), Is.EqualTo("LORA"));
        Assert.That(root.GetProperty("task_type").GetString(), Is.EqualTo("CAUSAL_LM"));
        Assert.That(root.GetProperty("r").GetInt32(), Is.EqualTo(2));
        Assert.That(root.GetProperty("lora_alpha").GetDouble(), Is.EqualTo(16));
        Assert.That(root.GetProperty("use_dora").GetBoolean(), Is.True);
        Assert.That(root.GetProperty("bias").GetString(), Is.EqualTo("none"));
    }

    [Test]
    public void Load_WeightsForOtherTargets_FailsNamingTheMismatch()
    {
        using var folder = new TemporaryFolder();
        var model = AdapterModels.Fresh();
        AdapterInjector.Apply(model, new LoraConfig { Rank = 2, TargetModules = ["q_proj"] });
        PeftAdapterFiles.Save(model, new LoraConfig { Rank = 2, TargetModules = ["k_proj"] }, folder.Path);
        var error = Expect.Failure<AdapterConfigException>(() => PeftAdapterFiles.Load(AdapterModels.Fresh(), folder.Path));
        Assert.That(error.Message, Does.Contain("does not match").And.Contain("k_proj.lora_A.weight"));
    }

    [Test]
    public void ReadConfig_QloraAdapter_ReturnsTheRecordedNf4Base()
    {
        using var folder = new TemporaryFolder();
        var quantisation = new Nf4Options { BlockSize = 128, DoubleQuant = false, ComputeDtype = TorchSharp.torch.ScalarType.BFloat16 };
        var config = new LoraConfig { Rank = 2, TargetModules = ["q_proj"], BaseQuantization = quantisation };
        var model = AdapterModels.Fresh();
        AdapterInjector.Apply(model, config, quantisation);
        PeftAdapterFiles.Save(model, config, folder.Path);

        Assert.That(PeftAdapterFiles.ReadConfig(folder.Path).BaseQuantization, Is.EqualTo(quantisation));
        using var json = JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(folder.Path, PeftAdapterFiles.ConfigFile)));
        var record = json.RootElement.GetProperty("base_model_quantization");
        Assert.That(record.GetProperty("quant_type").GetString(), Is.EqualTo("nf4"));
        Assert.That(record.GetProperty("block_size").GetInt32(), Is.EqualTo(128));
        Assert.That(record.GetProperty("double_quant").GetBoolean(), Is.False);
        Assert.That(record.GetProperty("compute_dtype").GetString(), Is.EqualTo("bfloat16"));
    }

    [Test]
    public void ReadConfig_UnknownQuantType_FailsNamingTheField()
    {
        using var folder = new TemporaryFolder();
        var model = AdapterModels.Fresh();
        var config = new LoraConfig { Rank = 2, TargetModules = ["q_proj"], BaseQuantization = new Nf4Options() };
        AdapterInjector.Apply(model, config);
        PeftAdapterFiles.Save(model, config, folder.Path);
        var path = System.IO.Path.Combine(folder.Path, PeftAdapterFiles.ConfigFile);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"nf4\"", "\"fp4\""));
        var error = Expect.Failure<AdapterConfigException>(() => PeftAdapterFiles.ReadConfig(folder.Path));
        Assert.That(error.Message, Does.Contain("base_model_quantization.quant_type is 'fp4'"));
    }
}
