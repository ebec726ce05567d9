using System.Text.Json.Nodes;
using Workflows.Steps.Datasets;

namespace Workflows.Steps.Ingest;

/// <summary>Normalises a preference record to (prompt turns, chosen answer, rejected answer).</summary>
/// <remarks>The prompt comes from messages/conversations, prompt, or instruction (+ input). Each answer
/// may be a string, one turn, or a list of turns whose last is the answer; with no separate prompt the
/// earlier turns of <c>chosen</c> are the prompt. Human/Assistant transcripts (hh-rlhf) are split the
/// same way, so the shared dialogue becomes the prompt and only the final replies differ.</remarks>
internal static class PreferencePair
{
    public static (IReadOnlyList<ChatMessage> Prompt, string Chosen, string Rejected)? Read(RecordFields fields)
    {
        var prompt = Prompt(fields);
        if (fields.Error is not null) return null;
        // With a separate prompt an answer string is taken verbatim, even if it begins with "Human:".
        var transcripts = prompt is null;
        var chosen = Answer(fields.Node(FieldRole.Chosen), fields.NameOf(FieldRole.Chosen) ?? "chosen", transcripts, fields);
        var rejected = Answer(fields.Node(FieldRole.Rejected), fields.NameOf(FieldRole.Rejected) ?? "rejected", transcripts, fields);
        if (chosen is null || rejected is null) return null;
        return (prompt ?? chosen.Value.Before, chosen.Value.Answer, rejected.Value.Answer);
    }

    private static List<ChatMessage>? Prompt(RecordFields fields)
    {
        if (fields.Node(FieldRole.Messages) is { } messages)
        {
            // An empty prompt is legitimate here (canonical preference rows store "[]" when the prompt is unknown).
            if (messages is JsonArray { Count: 0 } || messages is JsonValue value && value.ToJsonString() == "\"[]\"") return [];
            return ChatTurns.FromList(messages, fields.NameOf(FieldRole.Messages)!, fields);
        }
        if (fields.Optional(FieldRole.Prompt) is { } prompt) return [new(ChatMessage.UserRole, prompt)];
        if (fields.Optional(FieldRole.Instruction) is { } instruction)
        {
            var input = fields.Optional(FieldRole.Input);
            return [new(ChatMessage.UserRole, input is null ? instruction : $"{instruction}\n\n{input}")];
        }
        return null;
    }

    private static (List<ChatMessage> Before, string Answer)? Answer(JsonNode? node, string field, bool transcripts, RecordFields fields)
    {
        List<ChatMessage>? turns = node switch
        {
            JsonArray => ChatTurns.FromList(node, field, fields),
            JsonObject => ChatTurns.FromTurn(node, field, fields) is { } turn ? [turn] : null,
            _ => fields.AsText(node, field) is { } text
                ? (transcripts ? ChatTurns.FromTranscript(text) : null) ?? [new(ChatMessage.AssistantRole, text)]
                : null,
        };
        if (turns is null) return null;
        var answer = turns[^1];
        if (string.IsNullOrWhiteSpace(answer.Content))
        {
            fields.Fail($"empty text in field '{field}'");
            return null;
        }
        return (turns[..^1], answer.Content);
    }
}
