using NUnit.Framework;
using Workflows.Torch.Engine;

namespace Workflows.Torch.Tests.Engine;

public class DeviceEngineTests
{
    [Test]
    public void Load_SamePathTwice_ReturnsSameInstance()
    {
        var engine = new DeviceEngine();
        engine.UseDevice("cpu");
        var first = engine.Load(SharedAssets.Stories260K);
        var second = engine.Load(SharedAssets.Stories260K + "/");
        Assert.That(second, Is.SameAs(first));
        Assert.That(first.ParameterCount, Is.EqualTo(260_032));
        Assert.That(first.ParameterBytes, Is.EqualTo(260_032 * 4));
        Assert.That(first.Digest, Has.Length.EqualTo(64));
        Assert.That(engine.Memory().ParameterBytes, Is.EqualTo(260_032 * 4));
    }

    [Test]
    public void Load_OtherDtype_IsSeparateEntry()
    {
        var engine = new DeviceEngine();
        engine.UseDevice("cpu");
        var fp32 = engine.Load(SharedAssets.Stories260K);
        var bf16 = engine.Load(SharedAssets.Stories260K, new ModelLoadOptions { Dtype = "bf16" });
        Assert.That(bf16, Is.Not.SameAs(fp32));
        Assert.That(bf16.ParameterBytes, Is.EqualTo(260_032 * 2));
        Assert.That(engine.LoadedModels, Has.Count.EqualTo(2));
    }

    [Test]
    public void Load_ChangedFileContent_LoadsAgain()
    {
        using var folder = new TemporaryFolder();
        foreach (var name in new[] { "config.json", "model.safetensors", "tokenizer.model" })
        {
            File.Copy(Path.Combine(SharedAssets.Stories260K, name), folder.File(name));
        }

        var engine = new DeviceEngine();
        var first = engine.Load(folder.Path);
        File.AppendAllText(folder.File("config.json"), "\n");
        var second = engine.Load(folder.Path);
        Assert.That(second, Is.Not.SameAs(first));
        Assert.That(second.Digest, Is.Not.EqualTo(first.Digest));
    }

    [Test]
    public void Load_MissingModel_ThrowsOneLine()
    {
        var error = Expect.Failure<ModelLoadException>(() => new DeviceEngine().Load("/nonexistent/stories"));
        Assert.That(error.Message, Does.StartWith("/nonexistent/stories: model path not found"));
    }
}
