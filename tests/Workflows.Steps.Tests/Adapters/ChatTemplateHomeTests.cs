using Workflows.Steps.Adapters;

namespace Workflows.Steps.Tests.Adapters;

[TestFixture]
public sealed class ChatTemplateHomeTests
{
    private string _folder = null!;

    [SetUp]
    public void SetUp() => _folder = Directory.CreateTempSubdirectory("wf-template-home-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void Of_AdapterShippingTokenizerConfig_IsTheAdapter()
    {
        var adapter = Directory.CreateDirectory(Path.Combine(_folder, "adapter")).FullName;
        File.WriteAllText(Path.Combine(adapter, ChatTemplateHome.ConfigFile), "{}");
        Assert.That(ChatTemplateHome.Of("/models/base", adapter), Is.EqualTo(adapter));
    }

    [Test]
    public void Of_AdapterWithoutTokenizerConfig_IsTheBase()
    {
        var adapter = Directory.CreateDirectory(Path.Combine(_folder, "adapter")).FullName;
        File.WriteAllText(Path.Combine(adapter, "adapter_config.json"), "{}");
        Assert.That(ChatTemplateHome.Of("/models/base", adapter), Is.EqualTo("/models/base"));
    }

    [Test]
    public void Of_NoAdapter_IsTheBase() => Assert.That(ChatTemplateHome.Of("/models/base", null), Is.EqualTo("/models/base"));
}
