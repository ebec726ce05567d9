using System.Text.Json.Nodes;
using Workflows.Steps.Datasets;

namespace Workflows.Steps.Ingest;

/// <summary>Turns one source record into a canonical row for a given layout, or says why it cannot.</summary>
internal sealed class RowNormaliser(IngestFormat layout, ColumnMapping mapping, string sourceFile, IReadOnlyCollection<string>? dropFields = null)
{
    public (DatasetRow? Row, string? Error) Normalise(JsonObject record, long line)
    {
        var fields = new RecordFields(record, mapping);
        if (UnplaceableFields.Find(record, dropFields) is { } refused) return (null, refused);
        var row = layout switch
        {
            IngestFormat.Alpaca => Row(RowKind.Instruction) with
            {
                System = fields.Optional(FieldRole.System),
                Instruction = fields.Required(FieldRole.Instruction),
                Input = fields.Optional(FieldRole.Input),
                Output = fields.Required(FieldRole.Output),
            },
            IngestFormat.PromptCompletion => Row(RowKind.Instruction) with
            {
                System = fields.Optional(FieldRole.System),
                Instruction = fields.Required(FieldRole.Prompt),
                Output = fields.Required(FieldRole.Completion),
            },
            IngestFormat.Sharegpt or IngestFormat.Openai => Row(RowKind.Conversation) with { Messages = Conversation(fields), Label = NoLabel(fields) },
            IngestFormat.Kto => Row(RowKind.Feedback) with { Messages = Judged(fields), Label = KtoLabel(fields) },
            IngestFormat.Text => Row(RowKind.Text) with { Text = fields.Required(FieldRole.Text) },
            IngestFormat.Classification => Row(RowKind.Classification) with
            {
                Text = fields.Required(FieldRole.Text),
                Label = fields.Required(FieldRole.Label),
            },
            IngestFormat.Preference => PreferencePair.Read(fields) is { } pair
                ? Row(RowKind.Preference) with { Messages = pair.Prompt, Chosen = pair.Chosen, Rejected = pair.Rejected }
                : Row(RowKind.Preference),
            _ => throw new ArgumentOutOfRangeException(nameof(layout), layout, "layout must be resolved before normalising"),
        };
        if (fields.Error is not null) return (null, fields.Error);
        var id = RowId.Of(row);
        return (row with { Id = id, SourceId = id }, null);

        DatasetRow Row(RowKind kind) => new() { Id = "", SourceId = "", SourceFile = sourceFile, SourceLine = line, Kind = kind };
    }

    /// <summary>A label beside a conversation would be lost in a conversation row; a KTO tag among
    /// them is the usual case, and training on its undesirable answers is what must not happen.</summary>
    private string? NoLabel(RecordFields fields)
    {
        if (fields.NameOf(FieldRole.Label) is not { } name || fields.Node(FieldRole.Label) is null || dropFields?.Contains(name) == true) return null;
        return fields.Fail($"field '{name}' has no place in a conversation row; if it says whether the answer is desirable (KTO), " +
            "set format: kto, else list it in drop_fields");
    }

    /// <summary>The conversation of a KTO row: its last turn is the answer the label judges.</summary>
    private static List<ChatMessage>? Judged(RecordFields fields)
    {
        var turns = Conversation(fields);
        if (turns is not null && turns[^1].Role != ChatMessage.AssistantRole)
            fields.Fail($"the last turn of '{fields.NameOf(FieldRole.Messages)}' must be the assistant answer the KTO label judges, got a '{turns[^1].Role}' turn");
        return turns;
    }

    /// <summary>LLaMA-Factory's <c>kto_tag</c>: true (desirable) or false (undesirable), as a boolean or its text.</summary>
    private static string? KtoLabel(RecordFields fields)
    {
        var name = fields.NameOf(FieldRole.Label);
        if (name is null || fields.Node(FieldRole.Label) is null)
            return fields.Fail("missing required field 'label' (the KTO tag: true for a desirable answer, false for an undesirable one)");
        return fields.AsText(fields.Node(FieldRole.Label), name)?.Trim().ToLowerInvariant() switch
        {
            "true" or FeedbackLabels.Desirable => FeedbackLabels.Desirable,
            "false" or FeedbackLabels.Undesirable => FeedbackLabels.Undesirable,
            var other => fields.Fail($"field '{name}' (the KTO tag) must be true or false, got '{other}'"),
        };
    }

    private static List<ChatMessage>? Conversation(RecordFields fields)
    {
        if (!fields.Has(FieldRole.Messages))
        {
            fields.Fail("missing required field 'messages' (or 'conversations')");
            return null;
        }
        var turns = ChatTurns.FromList(fields.Node(FieldRole.Messages), fields.NameOf(FieldRole.Messages)!, fields);
        if (turns is not null && fields.Optional(FieldRole.System) is { } system && turns[0].Role != ChatMessage.SystemRole)
            turns.Insert(0, new ChatMessage(ChatMessage.SystemRole, system));
        return turns;
    }
}
