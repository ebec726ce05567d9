using System.Text.Json.Nodes;
using Workflows.Steps.Datasets;

namespace Workflows.Steps.Ingest;

/// <summary>Turns one source record into a canonical row for a given layout, or says why it cannot.</summary>
internal sealed class RowNormaliser(IngestFormat layout, ColumnMapping mapping, string sourceFile)
{
    public (DatasetRow? Row, string? Error) Normalise(JsonObject record, long line)
    {
        var fields = new RecordFields(record, mapping);
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
            IngestFormat.Sharegpt or IngestFormat.Openai => Row(RowKind.Conversation) with { Messages = Conversation(fields) },
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
