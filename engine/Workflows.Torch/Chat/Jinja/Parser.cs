namespace Workflows.Torch.Chat.Jinja;

/// <summary>Statements: text, <c>{{ }}</c>, <c>if/elif/else</c>, <c>for … in … [if …]</c> with
/// <c>else</c>, <c>set</c> (names and namespace attributes), <c>break</c>/<c>continue</c>. Anything
/// else (macros, blocks, includes) is refused by name.</summary>
internal sealed class Parser
{
    private readonly ExpressionParser _expressions;
    private readonly TokenStream _tokens;

    private Parser(List<Token> tokens)
    {
        _tokens = new TokenStream(tokens);
        _expressions = new ExpressionParser(_tokens);
    }

    public static IReadOnlyList<Node> Parse(string template)
    {
        var parser = new Parser(Lexer.Tokenize(template));
        var body = parser.Block(out var end);
        if (end is not null) throw new JinjaException($"line {parser._tokens.Peek.Line}: '{end}' without its opening tag");
        return body;
    }

    // Nodes up to an {% end… %}/{% elif %}/{% else %} tag (returned in endTag, its tag left open) or the end.
    private List<Node> Block(out string? endTag)
    {
        var nodes = new List<Node>();
        while (true)
        {
            var token = _tokens.Next();
            switch (token.Kind)
            {
                case TokenKind.End:
                    endTag = null;
                    return nodes;
                case TokenKind.Text:
                    nodes.Add(new TextNode(token.Value, token.Line));
                    break;
                case TokenKind.OpenOutput:
                    nodes.Add(new OutputNode(_expressions.Parse(), token.Line));
                    _tokens.Expect(TokenKind.CloseOutput, "}}");
                    break;
                case TokenKind.OpenStatement:
                    var keyword = _tokens.Expect(TokenKind.Name, "a statement name");
                    if (keyword.Value is "endif" or "endfor" or "elif" or "else")
                    {
                        endTag = keyword.Value;
                        return nodes;
                    }

                    nodes.Add(Statement(keyword));
                    break;
                default:
                    throw new JinjaException($"line {token.Line}: unexpected '{token.Value}'");
            }
        }
    }

    private Node Statement(Token keyword)
    {
        switch (keyword.Value)
        {
            case "if":
                return If(keyword.Line);
            case "for":
                return For(keyword.Line);
            case "set":
                var name = _tokens.Expect(TokenKind.Name, "a variable name").Value;
                string? attribute = null;
                if (_tokens.Accept(TokenKind.Operator, ".")) attribute = _tokens.Expect(TokenKind.Name, "an attribute name").Value;
                _tokens.Expect(TokenKind.Operator, "=");
                var value = _expressions.Parse();
                _tokens.Expect(TokenKind.CloseStatement, "%}");
                return new SetNode(name, attribute, value, keyword.Line);
            case "break" or "continue":
                _tokens.Expect(TokenKind.CloseStatement, "%}");
                return new LoopControlNode(keyword.Value == "break", keyword.Line);
            default:
                throw new JinjaException($"line {keyword.Line}: '{{% {keyword.Value} %}}' is not supported by this chat-template engine (supported: if, for, set, break, continue)");
        }
    }

    private IfNode If(int line)
    {
        var branches = new List<(Expr, IReadOnlyList<Node>)>();
        var condition = _expressions.Parse();
        while (true)
        {
            _tokens.Expect(TokenKind.CloseStatement, "%}");
            var body = Block(out var end);
            branches.Add((condition, body));
            switch (end)
            {
                case "elif":
                    condition = _expressions.Parse();
                    continue;
                case "else":
                    _tokens.Expect(TokenKind.CloseStatement, "%}");
                    var otherwise = Block(out var close);
                    ExpectEnd(close, "endif", line);
                    return new IfNode(branches, otherwise, line);
                default:
                    ExpectEnd(end, "endif", line);
                    return new IfNode(branches, [], line);
            }
        }
    }

    private ForNode For(int line)
    {
        var targets = new List<string> { _tokens.Expect(TokenKind.Name, "a loop variable").Value };
        while (_tokens.Accept(TokenKind.Operator, ",")) targets.Add(_tokens.Expect(TokenKind.Name, "a loop variable").Value);
        var keyword = _tokens.Expect(TokenKind.Name, "'in'");
        if (keyword.Value != "in") throw new JinjaException($"line {keyword.Line}: expected 'in', got '{keyword.Value}'");
        var iterable = _expressions.Parse(allowConditional: false);
        var filter = _tokens.Accept(TokenKind.Name, "if") ? _expressions.Parse(allowConditional: false) : null;
        _tokens.Expect(TokenKind.CloseStatement, "%}");
        var body = Block(out var end);
        IReadOnlyList<Node> otherwise = [];
        if (end == "else")
        {
            _tokens.Expect(TokenKind.CloseStatement, "%}");
            otherwise = Block(out end);
        }

        ExpectEnd(end, "endfor", line);
        return new ForNode(targets, iterable, filter, body, otherwise, line);
    }

    private void ExpectEnd(string? end, string expected, int line)
    {
        if (end != expected) throw new JinjaException($"line {line}: expected {{% {expected} %}}, got {(end is null ? "the end of the template" : $"{{% {end} %}}")}");
        _tokens.Expect(TokenKind.CloseStatement, "%}");
    }
}
