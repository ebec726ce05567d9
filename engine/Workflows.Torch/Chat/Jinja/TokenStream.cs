namespace Workflows.Torch.Chat.Jinja;

internal sealed class TokenStream(List<Token> tokens)
{
    private int _position;

    public Token Peek => tokens[_position];

    public Token PeekAt(int offset) => tokens[Math.Min(_position + offset, tokens.Count - 1)];

    public Token Next() => tokens[_position < tokens.Count - 1 ? _position++ : _position];

    public bool Accept(TokenKind kind, string value)
    {
        if (Peek.Kind != kind || Peek.Value != value) return false;
        _position++;
        return true;
    }

    public Token Expect(TokenKind kind, string what)
    {
        var token = Peek;
        var matches = token.Kind == kind && (kind is not TokenKind.Operator and not TokenKind.CloseOutput and not TokenKind.CloseStatement || token.Value == what);
        if (!matches) throw new JinjaException($"line {token.Line}: expected {what}, got {(token.Kind == TokenKind.End ? "the end of the template" : $"'{token.Value}'")}");
        _position++;
        return token;
    }
}
