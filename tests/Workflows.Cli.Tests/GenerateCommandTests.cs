using System.Text.Json;

namespace Workflows.Cli.Tests;

/// <summary><c>wf generate --prompts FILE --batch N</c> on stories260K.</summary>
[TestFixture]
public sealed class GenerateCommandTests
{
    private string _folder = null!;

    private static string Model => Path.Combine(ProcessProject.Shared, "models", "stories260K");

    [SetUp]
    public void SetUp() => _folder = Directory.CreateTempSubdirectory("wf-generate-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void Generate_PromptsFileInBatches_PrintsOneJsonLinePerPromptAsOneAtATime()
    {
        File.WriteAllText(Path.Combine(_folder, "prompts.txt"), "Once upon a time\nTom and\n\nThe little dog ran to the park and saw\nLily\n");
        var batched = WfCommand.Run(_folder, "generate", Model, "--prompts", "prompts.txt", "--batch", "3", "--max-tokens", "16", "--stop", ".");
        var alone = WfCommand.Run(_folder, "generate", Model, "--prompts", "prompts.txt", "--batch", "1", "--max-tokens", "16", "--stop", ".");
        Assert.That(batched.ExitCode, Is.Zero, batched.Error);
        var lines = batched.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("prompt").GetString()),
            Is.EqualTo(new[] { "Once upon a time", "Tom and", "The little dog ran to the park and saw", "Lily" }));
        Assert.That(JsonDocument.Parse(lines[0]).RootElement.GetProperty("completion").GetString(), Is.EqualTo(", there was a little girl named Lily"));
        Assert.That(batched.Out, Is.EqualTo(alone.Out));
        Assert.That(batched.Error, Does.Contain("4 prompts").And.Contain("batch 3"));
    }

    [TestCase("bad.jsonl", "{\"prompt\": \"Once\"}\n[1]\n", "bad.jsonl:2: each line must be a JSON object with a \"prompt\" string")]
    [TestCase("broken.jsonl", "{\"prompt\": \n", "broken.jsonl:1: not valid JSON")]
    [TestCase("empty.txt", "\n\n", "empty.txt: no prompts")]
    public void Generate_BadPromptsFile_FailsNamingFileAndLine(string name, string content, string message)
    {
        File.WriteAllText(Path.Combine(_folder, name), content);
        var result = WfCommand.Run(_folder, "generate", Model, "--prompts", name);
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain(message));
    }

    [Test]
    public void Generate_PromptAndPromptsFileBoth_AsksForOne()
    {
        var result = WfCommand.Run(_folder, "generate", Model, "--prompt", "Tom", "--prompts", "x.txt");
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain("give either --prompt TEXT or --prompts FILE"));
    }
}
