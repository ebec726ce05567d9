using System.Text.Json;
using Workflows.Steps.Datasets;
using Workflows.Steps.Ingest;
using Workflows.Steps.Tests.TestSupport;

namespace Workflows.Steps.Tests.Ingest;

/// <summary>Nothing is silently lost: LLaMA-Factory's KTO tags are carried, tool calls and media are
/// refused by name (media may be dropped knowingly).</summary>
[TestFixture]
public sealed class IngestUnplaceableFieldTests
{
    // LLaMA-Factory's kto_en_demo.json layout: sharegpt-style messages and a boolean label (kto_tag).
    private const string Kto = """
        [
          {"messages": [{"content": "Tell me a joke", "role": "user"}, {"content": "Why did the chicken cross the road?", "role": "assistant"}], "label": true},
          {"messages": [{"content": "Tell me a joke", "role": "user"}, {"content": "No.", "role": "assistant"}], "label": false}
        ]
        """;

    // glaive_toolcall_en_demo.json layout.
    private const string ToolCall = """
        [{"conversations": [{"from": "human", "value": "What is 2+2?"}, {"from": "function_call", "value": "{\"name\": \"add\", \"arguments\": {\"a\": 2, \"b\": 2}}"},
          {"from": "observation", "value": "{\"result\": 4}"}, {"from": "gpt", "value": "4"}], "tools": "[{\"name\": \"add\"}]"}]
        """;

    // mllm_demo.json layout.
    private const string Images = """
        [{"messages": [{"content": "<image>Who are they?", "role": "user"}, {"content": "Two players.", "role": "assistant"}], "images": ["mllm_demo_data/1.jpg"]}]
        """;

    private static async Task<(StepResultView Result, TestStepContext Context)> IngestAsync(string content, IngestOptions? options = null)
    {
        var context = new TestStepContext();
        var path = context.WriteFile("data.json", content);
        var result = await new IngestStep().RunAsync((options ?? new IngestOptions { Path = "" }) with { Path = path }, context, CancellationToken.None);
        return (new StepResultView(result.Success, result.Error), context);
    }

    private sealed record StepResultView(bool Success, string? Error);

    [Test]
    public async Task RunAsync_KtoData_CarriesTheLabelAsFeedbackRows()
    {
        var (result, context) = await IngestAsync(Kto);
        using var _ = context;

        Assert.That(result.Error, Is.Null);
        var rows = await DatasetFile.ReadAllAsync(context.Outputs["dataset"]);
        Assert.That(rows.Select(r => (r.Kind, r.Label)), Is.EqualTo(new[]
        {
            (RowKind.Feedback, FeedbackLabels.Desirable), (RowKind.Feedback, FeedbackLabels.Undesirable),
        }));
        Assert.That(rows[1].Messages![^1], Is.EqualTo(new ChatMessage(ChatMessage.AssistantRole, "No.")));
    }

    [Test]
    public async Task RunAsync_KtoDataReadBack_KeepsTheSameRows()
    {
        var (_, first) = await IngestAsync(Kto);
        using var __ = first;
        using var second = new TestStepContext();

        var result = await new IngestStep().RunAsync(new IngestOptions { Path = DatasetFile.PathOf(first.Outputs["dataset"]) }, second, CancellationToken.None);

        Assert.That(result.Error, Is.Null);
        var original = await DatasetFile.ReadAllAsync(first.Outputs["dataset"]);
        var again = await DatasetFile.ReadAllAsync(second.Outputs["dataset"]);
        Assert.That(again.Select(r => r.Id), Is.EqualTo(original.Select(r => r.Id)));
    }

    [Test]
    public void Render_FeedbackRow_IsNotATrainingTarget()
    {
        var row = new DatasetRow
        {
            Id = "x", SourceId = "x", SourceFile = "f", SourceLine = 1, Kind = RowKind.Feedback, Label = FeedbackLabels.Undesirable,
            Messages = [new(ChatMessage.UserRole, "Tell me a joke"), new(ChatMessage.AssistantRole, "No.")],
        };

        Assert.That(Workflows.Steps.Train.PromptRenderer.Render(row, Workflows.Steps.Train.PromptTemplate.Alpaca, null), Is.Null);
    }

    [Test]
    public async Task RunAsync_ConversationWithANonBooleanLabel_IsRefusedNamingTheField()
    {
        var (result, context) = await IngestAsync("""[{"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}], "label": "spam"}]""");
        using var _ = context;

        Assert.That(result.Error, Does.Contain("field 'label' has no place in a conversation row").And.Contain("format: kto"));
    }

    [Test]
    public async Task RunAsync_SharegptToolCall_IsRefusedNamingTheTurn()
    {
        var (result, context) = await IngestAsync(ToolCall, new IngestOptions { Path = "", DropFields = ["tools"] });
        using var _ = context;

        Assert.That(result.Success, Is.False);
        Assert.That(result.Error, Does.Contain("conversations[1] is a 'function_call' turn (a tool call or its result)"));
    }

    [Test]
    public async Task RunAsync_ToolsField_IsRefusedNamingTheField()
    {
        var (result, context) = await IngestAsync(ToolCall);
        using var _ = context;

        Assert.That(result.Error, Does.Contain("field 'tools' holds tool definitions"));
    }

    [Test]
    public async Task RunAsync_OpenAiToolCalls_IsRefusedNamingTheField()
    {
        var (result, context) = await IngestAsync("""
            [{"messages": [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "", "tool_calls": [{"id": "1"}]}, {"role": "tool", "content": "4"}, {"role": "assistant", "content": "4"}]}]
            """);
        using var _ = context;

        Assert.That(result.Error, Does.Contain("messages[1].tool_calls"));
    }

    [Test]
    public async Task RunAsync_Images_AreRefusedNamingTheFieldAndTheOption()
    {
        var (result, context) = await IngestAsync(Images);
        using var _ = context;

        Assert.That(result.Error, Does.Contain("field 'images' holds images; the engine is text-only").And.Contain("drop_fields: [images]"));
    }

    [Test]
    public async Task RunAsync_ImagesListedInDropFields_IngestsTheText()
    {
        var (result, context) = await IngestAsync(Images, new IngestOptions { Path = "", DropFields = ["images"] });
        using var _ = context;

        Assert.That(result.Error, Is.Null);
        Assert.That(await DatasetFile.ReadAllAsync(context.Outputs["dataset"]), Has.Count.EqualTo(1));
    }
}
