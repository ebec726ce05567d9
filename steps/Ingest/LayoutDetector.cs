using System.Text.Json.Nodes;

namespace Workflows.Steps.Ingest;

/// <summary>Decides a file's layout from its first well-formed record, once, so every record of the
/// file is normalised the same way (a record that does not fit is quarantined, never re-guessed).</summary>
internal static class LayoutDetector
{
    /// <summary>The layout, or null when the field names match none (an error naming them follows).</summary>
    public static IngestFormat? Detect(JsonObject record, ColumnMapping mapping)
    {
        var fields = new RecordFields(record, mapping);
        if (fields.Has(FieldRole.Chosen) && fields.Has(FieldRole.Rejected)) return IngestFormat.Preference;
        if (fields.Has(FieldRole.Messages) && IsKtoTag(fields.Node(FieldRole.Label))) return IngestFormat.Kto;
        if (fields.Node(FieldRole.Messages) is JsonArray messages)
            return messages.FirstOrDefault() is JsonObject turn && RecordFields.Get(turn, "from") is not null ? IngestFormat.Sharegpt : IngestFormat.Openai;
        if (fields.Has(FieldRole.Messages) && fields.AsText(fields.Node(FieldRole.Messages), "messages")?.TrimStart().StartsWith('[') == true)
            return IngestFormat.Openai;
        if (fields.Has(FieldRole.Instruction) && fields.Has(FieldRole.Output)) return IngestFormat.Alpaca;
        if (fields.Has(FieldRole.Prompt) && fields.Has(FieldRole.Completion)) return IngestFormat.PromptCompletion;
        if (fields.Has(FieldRole.Text) && fields.Has(FieldRole.Label)) return IngestFormat.Classification;
        if (fields.Has(FieldRole.Text)) return IngestFormat.Text;
        return null;
    }

    /// <summary>A boolean, or its text, or a canonical feedback label (a feedback dataset read back).</summary>
    private static bool IsKtoTag(JsonNode? node) => node is JsonValue value && (
        value.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False
        || value.GetValueKind() == System.Text.Json.JsonValueKind.String
            && value.GetValue<string>().Trim().ToLowerInvariant() is "true" or "false" or Datasets.FeedbackLabels.Desirable or Datasets.FeedbackLabels.Undesirable);
}
