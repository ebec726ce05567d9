using System.Diagnostics;
using NUnit.Framework;
using Workflows.Torch.Chat.Jinja;

namespace Workflows.Torch.Tests.Chat;

public class JinjaTemplateTests
{
    private static IEnumerable<TestCaseData> Cases() => ChatTemplateFixtures.Load(ChatTemplateFixtures.ExpectedPath)
        .Select(e => new TestCaseData(e.Template, e.Conversation).SetName($"Render_{e.Template}_{e.Conversation}_EqualsHuggingFaceJinja"));

    [TestCaseSource(nameof(Cases))]
    public void Render_OfficialAndBuiltInTemplates_EqualHuggingFaceJinja(string template, string conversation)
    {
        var expected = ChatTemplateFixtures.Load(ChatTemplateFixtures.ExpectedPath).Single(e => e.Template == template && e.Conversation == conversation);
        var (output, error) = ChatTemplateFixtures.Render(template, conversation);
        Assert.That((output, error), Is.EqualTo((expected.Output, expected.Error)));
    }

    [Test]
    public void Render_LiveHuggingFaceJinja_EqualsCommittedFixtures()
    {
        var folder = Path.Combine(SharedAssets.Root, "tests", "reference-js");
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "@huggingface", "jinja")))
        {
            Assert.Ignore("run `npm ci` in tests/reference-js to compare against @huggingface/jinja live");
        }

        using var temporary = new TemporaryFolder();
        var output = temporary.File("expected.json");
        var start = new ProcessStartInfo("node", ["render-chat-templates.mjs", output]) { WorkingDirectory = folder, RedirectStandardError = true, RedirectStandardOutput = true };
        using var node = Process.Start(start)!;
        var stderr = node.StandardError.ReadToEnd();
        node.WaitForExit();
        Assert.That(node.ExitCode, Is.Zero, stderr);
        var live = ChatTemplateFixtures.Load(output);
        Assert.That(live, Is.EqualTo(ChatTemplateFixtures.Load(ChatTemplateFixtures.ExpectedPath)), "the committed fixtures are stale: rerun render-chat-templates.mjs");
    }

    [TestCase("{% macro x() %}{% endmacro %}", "'{% macro %}' is not supported")]
    [TestCase("{{ messages | wordcount }}", "filter 'wordcount' is not supported")]
    [TestCase("{% if true %}open", "expected {% endif %}")]
    [TestCase("line one\n{{ 'a' + }}", "line 2")]
    public void Parse_UnsupportedOrBrokenTemplate_SaysWhatAndWhere(string source, string message)
    {
        var error = Assert.Throws<JinjaException>(() => JinjaTemplate.Parse(source).Render(System.Text.Json.JsonSerializer.SerializeToElement(new { messages = new[] { "x" } })));
        Assert.That(error!.Message, Does.Contain(message));
    }
}
