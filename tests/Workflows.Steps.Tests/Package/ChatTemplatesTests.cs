using System.Text.Json;
using Workflows.Steps.Package;
using Workflows.Steps.Train;
using Workflows.Torch.Chat.Jinja;

namespace Workflows.Steps.Tests.Package;

/// <summary>The chat template a package carries must give, at inference, exactly the prompt the model
/// was trained on; rendered by the Jinja engine that is checked against @huggingface/jinja.</summary>
[TestFixture]
public sealed class ChatTemplatesTests
{
    [TestCase(PromptTemplate.Alpaca)]
    [TestCase(PromptTemplate.AlpacaShort)]
    [TestCase(PromptTemplate.Plain)]
    public void Jinja_OneUserTurn_RendersTheTrainingPrompt(PromptTemplate template)
    {
        var context = JsonSerializer.SerializeToElement(new Dictionary<string, object>
        {
            ["messages"] = new[] { new Dictionary<string, string> { ["role"] = "user", ["content"] = "Who are you?" } },
            ["add_generation_prompt"] = true,
            ["eos_token"] = "</s>",
        });

        var rendered = JinjaTemplate.Parse(ChatTemplates.Jinja(template)).Render(context);

        Assert.That(rendered, Is.EqualTo(PromptRenderer.Prompt(template, null, null, "Who are you?")));
    }

    [Test]
    public void Jinja_Chatml_IsTheTemplateTrainingRenders()
    {
        Assert.That(ChatTemplates.Jinja(PromptTemplate.Chatml), Is.EqualTo(Workflows.Torch.Chat.ChatTemplate.BuiltInSource("chatml")));
    }

    [TestCase(PromptTemplate.Alpaca, "Be brief.\n\n### Instruction:\nWho are you?\n\n### Response:")]
    [TestCase(PromptTemplate.AlpacaShort, "Be brief.\n\n### Instruction:\nWho are you?\n\n### Response:\n")]
    public void Jinja_SystemThenUser_SystemReplacesThePreamble(PromptTemplate template, string expected)
    {
        var context = JsonSerializer.SerializeToElement(new Dictionary<string, object>
        {
            ["messages"] = new[]
            {
                new Dictionary<string, string> { ["role"] = "system", ["content"] = "Be brief." },
                new Dictionary<string, string> { ["role"] = "user", ["content"] = "Who are you?" },
            },
            ["add_generation_prompt"] = true,
            ["eos_token"] = "</s>",
        });

        Assert.That(JinjaTemplate.Parse(ChatTemplates.Jinja(template)).Render(context), Is.EqualTo(expected));
        Assert.That(PromptRenderer.Prompt(template, null, "Be brief.", "Who are you?"), Is.EqualTo(expected));
    }
}
