using System.Globalization;

namespace Workflows.Torch.Chat.Jinja;

/// <summary>Expressions with Jinja's precedence: conditional, or, and, not, comparisons and
/// <c>in</c>, + -, ~, * / // %, unary minus, then postfix (attribute, index, slice, call), filters
/// and tests (which bind tighter than any operator: <c>a + b|trim</c> trims only b).</summary>
internal sealed class ExpressionParser(TokenStream tokens)
{
    private static readonly string[] Comparisons = ["==", "!=", "<", ">", "<=", ">="];

    public Expr Parse(bool allowConditional = true)
    {
        var value = Or();
        if (!allowConditional) return value;
        while (tokens.Accept(TokenKind.Name, "if"))
        {
            var condition = Or();
            var otherwise = tokens.Accept(TokenKind.Name, "else") ? Parse() : null;
            value = new ConditionalExpr(condition, value, otherwise, value.Line);
        }

        return value;
    }

    private Expr Or() => LeftAssociative(And, TokenKind.Name, "or");

    private Expr And() => LeftAssociative(Not, TokenKind.Name, "and");

    private Expr Not() => tokens.Peek is { Kind: TokenKind.Name, Value: "not" } token && tokens.Next() is not null
        ? new UnaryExpr("not", Not(), token.Line)
        : Compare();

    private Expr Compare()
    {
        var left = Add();
        while (true)
        {
            var token = tokens.Peek;
            if (token.Kind == TokenKind.Operator && Comparisons.Contains(token.Value))
            {
                tokens.Next();
                left = new BinaryExpr(token.Value, left, Add(), token.Line);
            }
            else if (tokens.Accept(TokenKind.Name, "in"))
            {
                left = new BinaryExpr("in", left, Add(), token.Line);
            }
            else if (token is { Kind: TokenKind.Name, Value: "not" } && tokens.PeekAt(1) is { Kind: TokenKind.Name, Value: "in" })
            {
                tokens.Next();
                tokens.Next();
                left = new BinaryExpr("not in", left, Add(), token.Line);
            }
            else
            {
                return left;
            }
        }
    }

    private Expr Add() => LeftAssociative(Concat, TokenKind.Operator, "+", "-");

    private Expr Concat() => LeftAssociative(Multiply, TokenKind.Operator, "~");

    private Expr Multiply() => LeftAssociative(Unary, TokenKind.Operator, "*", "/", "//", "%");

    private Expr LeftAssociative(Func<Expr> operand, TokenKind kind, params string[] operators)
    {
        var left = operand();
        while (tokens.Peek.Kind == kind && operators.Contains(tokens.Peek.Value))
        {
            var op = tokens.Next();
            left = new BinaryExpr(op.Value, left, operand(), op.Line);
        }

        return left;
    }

    private Expr Unary()
    {
        var token = tokens.Peek;
        if (token.Kind == TokenKind.Operator && token.Value is "-" or "+")
        {
            tokens.Next();
            return new UnaryExpr(token.Value, Unary(), token.Line);
        }

        return FiltersAndTests(Postfix(Primary()));
    }

    private Expr Primary()
    {
        var token = tokens.Next();
        switch (token.Kind)
        {
            case TokenKind.Name:
                return token.Value switch
                {
                    "true" or "True" => new LiteralExpr(true, token.Line),
                    "false" or "False" => new LiteralExpr(false, token.Line),
                    "none" or "None" => new LiteralExpr(null, token.Line),
                    _ => new NameExpr(token.Value, token.Line),
                };
            case TokenKind.String:
                var text = token.Value;
                while (tokens.Peek.Kind == TokenKind.String) text += tokens.Next().Value;     // "a" "b" is "ab"
                return new LiteralExpr(text, token.Line);
            case TokenKind.Integer:
                return new LiteralExpr(long.Parse(token.Value, CultureInfo.InvariantCulture), token.Line);
            case TokenKind.Float:
                return new LiteralExpr(double.Parse(token.Value, CultureInfo.InvariantCulture), token.Line);
            case TokenKind.Operator when token.Value == "(":
                var inner = Parse();
                if (tokens.Peek.Value == ",")
                {
                    var items = new List<Expr> { inner };
                    while (tokens.Accept(TokenKind.Operator, ",") && tokens.Peek.Value != ")") items.Add(Parse());
                    inner = new ListExpr(items, token.Line);
                }

                tokens.Expect(TokenKind.Operator, ")");
                return inner;
            case TokenKind.Operator when token.Value == "[":
                var list = new List<Expr>();
                while (!tokens.Accept(TokenKind.Operator, "]"))
                {
                    list.Add(Parse());
                    if (!tokens.Accept(TokenKind.Operator, ",")) { tokens.Expect(TokenKind.Operator, "]"); break; }
                }

                return new ListExpr(list, token.Line);
            case TokenKind.Operator when token.Value == "{":
                var pairs = new List<(Expr, Expr)>();
                while (!tokens.Accept(TokenKind.Operator, "}"))
                {
                    var key = Parse();
                    tokens.Expect(TokenKind.Operator, ":");
                    pairs.Add((key, Parse()));
                    if (!tokens.Accept(TokenKind.Operator, ",")) { tokens.Expect(TokenKind.Operator, "}"); break; }
                }

                return new DictExpr(pairs, token.Line);
            default:
                throw new JinjaException($"line {token.Line}: expected a value, got {(token.Kind == TokenKind.End ? "the end of the template" : $"'{token.Value}'")}");
        }
    }

    private Expr Postfix(Expr target)
    {
        while (true)
        {
            var token = tokens.Peek;
            if (tokens.Accept(TokenKind.Operator, "."))
            {
                var name = tokens.Next();
                target = name.Kind == TokenKind.Integer
                    ? new IndexExpr(target, new LiteralExpr(long.Parse(name.Value, CultureInfo.InvariantCulture), name.Line), name.Line)
                    : new AttributeExpr(target, name.Kind == TokenKind.Name ? name.Value : throw new JinjaException($"line {name.Line}: expected an attribute name after '.'"), name.Line);
            }
            else if (tokens.Accept(TokenKind.Operator, "["))
            {
                target = Subscript(target, token.Line);
            }
            else if (tokens.Accept(TokenKind.Operator, "("))
            {
                var (positional, named) = Arguments();
                target = new CallExpr(target, positional, named, token.Line);
            }
            else
            {
                return target;
            }
        }
    }

    private Expr Subscript(Expr target, int line)
    {
        Expr? start = tokens.Peek.Value is ":" ? null : Parse();
        if (tokens.Accept(TokenKind.Operator, "]")) return new IndexExpr(target, start!, line);
        tokens.Expect(TokenKind.Operator, ":");
        Expr? stop = tokens.Peek.Value is ":" or "]" ? null : Parse();
        Expr? step = null;
        if (tokens.Accept(TokenKind.Operator, ":") && tokens.Peek.Value != "]") step = Parse();
        tokens.Expect(TokenKind.Operator, "]");
        return new SliceExpr(target, start, stop, step, line);
    }

    // After "(": positional and name=value arguments up to ")".
    private (List<Expr>, List<(string, Expr)>) Arguments()
    {
        var positional = new List<Expr>();
        var named = new List<(string, Expr)>();
        while (!tokens.Accept(TokenKind.Operator, ")"))
        {
            if (tokens.Peek.Kind == TokenKind.Name && tokens.PeekAt(1) is { Kind: TokenKind.Operator, Value: "=" })
            {
                var name = tokens.Next().Value;
                tokens.Next();
                named.Add((name, Parse()));
            }
            else
            {
                positional.Add(Parse());
            }

            if (!tokens.Accept(TokenKind.Operator, ",")) { tokens.Expect(TokenKind.Operator, ")"); break; }
        }

        return (positional, named);
    }

    private Expr FiltersAndTests(Expr value)
    {
        while (true)
        {
            var token = tokens.Peek;
            if (tokens.Accept(TokenKind.Operator, "|"))
            {
                var name = tokens.Expect(TokenKind.Name, "a filter name").Value;
                var (positional, named) = tokens.Accept(TokenKind.Operator, "(") ? Arguments() : ([], []);
                value = Postfix(new FilterExpr(value, name, positional, named, token.Line));
            }
            else if (tokens.Accept(TokenKind.Name, "is"))
            {
                var negated = tokens.Accept(TokenKind.Name, "not");
                var name = tokens.Next();
                if (name.Kind != TokenKind.Name) throw new JinjaException($"line {name.Line}: expected a test name after 'is'");
                List<Expr> arguments = [];
                if (tokens.Accept(TokenKind.Operator, "(")) arguments = Arguments().Item1;
                else if (tokens.Peek.Kind is TokenKind.String or TokenKind.Integer or TokenKind.Float) arguments = [Primary()];
                value = new TestExpr(value, name.Value, negated, arguments, token.Line);
            }
            else
            {
                return value;
            }
        }
    }
}
