namespace Workflows.Steps.Datasets;

/// <summary>One turn of a conversation, with the role normalised to <c>system</c>, <c>user</c>,
/// <c>assistant</c> or <c>tool</c>.</summary>
public sealed record ChatMessage(string Role, string Content)
{
    public const string SystemRole = "system";
    public const string UserRole = "user";
    public const string AssistantRole = "assistant";
    public const string ToolRole = "tool";
}
