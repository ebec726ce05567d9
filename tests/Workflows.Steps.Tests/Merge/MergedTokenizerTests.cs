using Workflows.Steps.Merge;
using Workflows.Steps.Tests.TestSupport;
using Workflows.Torch.Llama;

namespace Workflows.Steps.Tests.Merge;

/// <summary>Joining a template's end of turn to the stop ids reads the folder's tokenizer_config.json, when there is one.</summary>
[TestFixture]
public sealed class MergedTokenizerTests
{
    [Test]
    public void JoinEndOfTurn_FolderWithoutTokenizerConfig_AddsNothingAndLeavesTheStopIds()
    {
        using var context = new TestStepContext();
        var folder = Path.GetDirectoryName(context.WriteFile("generation_config.json", "{\"eos_token_id\": 2}\n"))!;
        var config = LlamaConfig.Load(Path.Combine(TempWorkflow.Model, "config.json"));
        Assert.That(MergedTokenizer.JoinEndOfTurn(config, folder), Is.Null);
        Assert.That(File.ReadAllText(Path.Combine(folder, "generation_config.json")), Is.EqualTo("{\"eos_token_id\": 2}\n"));
    }
}
