using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workflows.Steps.Datasets;

namespace Workflows.Steps.Ingest;

/// <summary>Reads chat turns in the shapes fine-tuning data comes in: OpenAI <c>{role, content}</c>
/// (content may be a list of <c>{type: text, text}</c> parts), sharegpt <c>{from, value}</c>, and
/// Anthropic-style "\n\nHuman: … \n\nAssistant: …" transcripts. Roles are normalised.</summary>
internal static partial class ChatTurns
{
    private static readonly Dictionary<string, string> Roles = new(StringComparer.OrdinalIgnoreCase)
    {
        ["system"] = ChatMessage.SystemRole,
        ["user"] = ChatMessage.UserRole, ["human"] = ChatMessage.UserRole,
        ["assistant"] = ChatMessage.AssistantRole, ["gpt"] = ChatMessage.AssistantRole,
        ["bot"] = ChatMessage.AssistantRole, ["model"] = ChatMessage.AssistantRole, ["chatgpt"] = ChatMessage.AssistantRole,
        ["tool"] = ChatMessage.ToolRole, ["function"] = ChatMessage.ToolRole, ["ipython"] = ChatMessage.ToolRole,
    };

    // A tool call is the assistant's move, not a tool's reply; reading it as a 'tool' turn (or its
    // observation without the call) would train the model on a conversation that never happened.
    private static readonly string[] ToolCallRoles = ["function_call", "observation"];
    private static readonly string[] ToolCallFields = ["tool_calls", "function_call"];

    /// <summary>A list of turns — or a string holding one as JSON, as CSV and canonical Parquet files
    /// store it; null (with the error recorded) when any turn is unusable.</summary>
    public static List<ChatMessage>? FromList(JsonNode? node, string field, RecordFields fields)
    {
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().TrimStart().StartsWith('['))
            node = ParseOrNull(value.GetValue<string>());
        if (node is not JsonArray turns) return Fail(fields, $"field '{field}' must be a list of chat turns");
        var messages = new List<ChatMessage>(turns.Count);
        for (var i = 0; i < turns.Count; i++)
        {
            var message = FromTurn(turns[i], $"{field}[{i}]", fields);
            if (message is null) return null;
            messages.Add(message);
        }
        return messages.Count == 0 ? Fail(fields, $"field '{field}' has no turns") : messages;
    }

    /// <summary>One <c>{role, content}</c> or <c>{from, value}</c> turn.</summary>
    public static ChatMessage? FromTurn(JsonNode? node, string where, RecordFields fields)
    {
        if (node is not JsonObject turn) return FailOne(fields, $"{where} must be an object with role/content or from/value");
        var roleName = fields.AsText(RecordFields.Get(turn, "role") ?? RecordFields.Get(turn, "from"), $"{where}.role");
        if (roleName is null) return FailOne(fields, $"{where} has no 'role' or 'from'");
        if (ToolCallRoles.Contains(roleName, StringComparer.OrdinalIgnoreCase))
            return FailOne(fields, $"{where} is a '{roleName}' turn (a tool call or its result): the canonical dataset has no place for tool calls yet, so the row is refused rather than trained as plain text");
        if (ToolCallFields.FirstOrDefault(f => RecordFields.Get(turn, f) is not null) is { } call)
            return FailOne(fields, $"{where}.{call}: the canonical dataset has no place for tool calls yet, so the row is refused rather than trained without them");
        if (!Roles.TryGetValue(roleName, out var role)) return FailOne(fields, $"{where} has unknown role '{roleName}'");
        var content = RecordFields.Get(turn, "content") ?? RecordFields.Get(turn, "value");
        var text = content is JsonArray parts
            ? string.Concat(parts.Select(p => p is JsonObject part ? fields.AsText(RecordFields.Get(part, "text"), $"{where}.content") : null))
            : fields.AsText(content, $"{where}.content");
        if (string.IsNullOrWhiteSpace(text)) return FailOne(fields, $"empty text in {where}");
        return new ChatMessage(role, text);
    }

    /// <summary>Splits a "Human: … Assistant: …" transcript; null when the text is not one.</summary>
    public static List<ChatMessage>? FromTranscript(string text)
    {
        var matches = TranscriptSpeaker().Matches(text);
        if (matches.Count == 0 || text[..matches[0].Index].Trim().Length > 0) return null;
        var messages = new List<ChatMessage>(matches.Count);
        for (var i = 0; i < matches.Count; i++)
        {
            var start = matches[i].Index + matches[i].Length;
            var end = i + 1 < matches.Count ? matches[i + 1].Index : text.Length;
            var role = matches[i].Groups[1].Value == "Human" ? ChatMessage.UserRole : ChatMessage.AssistantRole;
            messages.Add(new ChatMessage(role, text[start..end].Trim()));
        }
        return messages;
    }

    private static JsonNode? ParseOrNull(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"(?:^|\n\n)(Human|Assistant):[ ]?")]
    private static partial Regex TranscriptSpeaker();

    private static List<ChatMessage>? Fail(RecordFields fields, string error)
    {
        fields.Fail(error);
        return null;
    }

    private static ChatMessage? FailOne(RecordFields fields, string error)
    {
        fields.Fail(error);
        return null;
    }
}
