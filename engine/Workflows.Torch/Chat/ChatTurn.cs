namespace Workflows.Torch.Chat;

/// <summary>One message of a conversation: <c>system</c>, <c>user</c>, <c>assistant</c> or <c>tool</c>.</summary>
public sealed record ChatTurn(string Role, string Content);
