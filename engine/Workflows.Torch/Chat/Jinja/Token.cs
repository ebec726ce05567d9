namespace Workflows.Torch.Chat.Jinja;

internal enum TokenKind { Text, OpenOutput, CloseOutput, OpenStatement, CloseStatement, Name, String, Integer, Float, Operator, End }

internal sealed record Token(TokenKind Kind, string Value, int Line);
