using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Workflows.Torch.Chat.Jinja;

/// <summary>
/// Splits a template into text and tag tokens as transformers (and @huggingface/jinja) configure
/// Jinja for chat templates: <c>trim_blocks</c> and <c>lstrip_blocks</c> on, one trailing newline
/// dropped, <c>-</c> inside a tag trimming whitespace on that side, <c>{% generation %}</c> markers removed.
/// </summary>
internal static partial class Lexer
{
    private static readonly string[] Operators =
        ["==", "!=", "<=", ">=", "//", "**", "(", ")", "[", "]", "{", "}", ".", ",", ":", "|", "+", "-", "*", "/", "%", "~", "<", ">", "="];

    public static List<Token> Tokenize(string template)
    {
        var src = Preprocess(template);
        var tokens = new List<Token>();
        var i = 0;
        var line = 1;
        while (i < src.Length)
        {
            var open = FindOpen(src, i);
            if (open > i)
            {
                tokens.Add(new Token(TokenKind.Text, src[i..open], line));
                line += src.AsSpan(i, open - i).Count('\n');
                i = open;
                continue;
            }

            if (open < 0)
            {
                tokens.Add(new Token(TokenKind.Text, src[i..], line));
                break;
            }

            var kind = src[i + 1];
            var stripBefore = i + 2 < src.Length && src[i + 2] == '-';
            if (stripBefore) StripTrailingWhitespace(tokens);
            if (kind == '#')
            {
                var end = src.IndexOf("#}", i + 2, StringComparison.Ordinal);
                if (end < 0) throw new JinjaException($"line {line}: comment is never closed with #}}");
                line += src.AsSpan(i, end - i).Count('\n');
                i = end + 2;
                if (src[end - 1] == '-') i = SkipWhitespace(src, i);
                continue;
            }

            tokens.Add(new Token(kind == '{' ? TokenKind.OpenOutput : TokenKind.OpenStatement, src.Substring(i, 2), line));
            i += stripBefore ? 3 : 2;
            i = TokenizeTag(src, i, kind == '{' ? "}}" : "%}", tokens, ref line);
        }

        tokens.Add(new Token(TokenKind.End, "", line));
        return tokens;
    }

    private static string Preprocess(string template)
    {
        if (template.EndsWith('\n')) template = template[..^1];
        template = LeadingBlockWhitespace().Replace(template, "$1");
        template = BlockNewline().Replace(template, "$1");
        return GenerationTag().Replace(template, m => (m.Groups[2].Value == "-" ? "" : m.Groups[1].Value) + (m.Groups[3].Value == "-" ? "" : m.Groups[4].Value));
    }

    private static int FindOpen(string src, int from)
    {
        for (var i = from; i < src.Length - 1; i++)
        {
            if (src[i] == '{' && src[i + 1] is '{' or '%' or '#') return i;
        }

        return -1;
    }

    private static void StripTrailingWhitespace(List<Token> tokens)
    {
        if (tokens.Count > 0 && tokens[^1].Kind == TokenKind.Text)
        {
            var trimmed = tokens[^1].Value.TrimEnd();
            if (trimmed.Length == 0) tokens.RemoveAt(tokens.Count - 1);
            else tokens[^1] = tokens[^1] with { Value = trimmed };
        }
    }

    private static int SkipWhitespace(string src, int i)
    {
        while (i < src.Length && char.IsWhiteSpace(src[i])) i++;
        return i;
    }

    // The inside of {{ … }} or {% … %}: names, literals and operators up to the closing delimiter.
    private static int TokenizeTag(string src, int i, string close, List<Token> tokens, ref int line)
    {
        var depth = 0;
        while (true)
        {
            while (i < src.Length && char.IsWhiteSpace(src[i]))
            {
                if (src[i] == '\n') line++;
                i++;
            }

            if (i >= src.Length) throw new JinjaException($"line {line}: tag is never closed with {close}");
            if (depth == 0 && src[i] == '-' && string.CompareOrdinal(src, i + 1, close, 0, 2) == 0)
            {
                tokens.Add(new Token(close == "}}" ? TokenKind.CloseOutput : TokenKind.CloseStatement, close, line));
                return SkipWhitespace(src, i + 3);
            }

            if (depth == 0 && string.CompareOrdinal(src, i, close, 0, 2) == 0)
            {
                tokens.Add(new Token(close == "}}" ? TokenKind.CloseOutput : TokenKind.CloseStatement, close, line));
                return i + 2;
            }

            var c = src[i];
            if (c is '\'' or '"')
            {
                i = ReadString(src, i, tokens, line);
            }
            else if (char.IsAsciiDigit(c))
            {
                var start = i;
                while (i < src.Length && char.IsAsciiDigit(src[i])) i++;
                var isFloat = i + 1 < src.Length && src[i] == '.' && char.IsAsciiDigit(src[i + 1]) && !(tokens.Count > 0 && tokens[^1].Value == ".");
                if (isFloat)
                {
                    i++;
                    while (i < src.Length && char.IsAsciiDigit(src[i])) i++;
                }

                tokens.Add(new Token(isFloat ? TokenKind.Float : TokenKind.Integer, src[start..i], line));
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < src.Length && (char.IsLetterOrDigit(src[i]) || src[i] == '_')) i++;
                tokens.Add(new Token(TokenKind.Name, src[start..i], line));
            }
            else
            {
                var op = Operators.FirstOrDefault(o => string.CompareOrdinal(src, i, o, 0, o.Length) == 0)
                    ?? throw new JinjaException($"line {line}: unexpected character '{c}' in a tag");
                if (op == "{") depth++;
                if (op == "}") depth--;
                tokens.Add(new Token(TokenKind.Operator, op, line));
                i += op.Length;
            }
        }
    }

    private static int ReadString(string src, int i, List<Token> tokens, int line)
    {
        var quote = src[i++];
        var text = new StringBuilder();
        while (i < src.Length && src[i] != quote)
        {
            if (src[i] != '\\')
            {
                text.Append(src[i++]);
                continue;
            }

            if (++i >= src.Length) break;
            var escaped = src[i++];
            if (escaped is 'x' or 'u')
            {
                var length = escaped == 'x' ? 2 : 4;
                text.Append((char)int.Parse(src.AsSpan(i, length), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += length;
                continue;
            }

            text.Append(escaped switch
            {
                'n' => '\n', 't' => '\t', 'r' => '\r', 'b' => '\b', 'f' => '\f', 'v' => '\v', '\'' => '\'', '"' => '"', '\\' => '\\',
                _ => throw new JinjaException($"line {line}: unknown escape \\{escaped} in a string"),
            });
        }

        if (i >= src.Length) throw new JinjaException($"line {line}: string is never closed with {quote}");
        tokens.Add(new Token(TokenKind.String, text.ToString(), line));
        return i + 1;
    }

    [GeneratedRegex(@"^[ \t]*(\{[#%-])", RegexOptions.Multiline)]
    private static partial Regex LeadingBlockWhitespace();

    [GeneratedRegex(@"([#%-]\})\n")]
    private static partial Regex BlockNewline();

    [GeneratedRegex(@"(\s*)\{%(-?)\s*(?:end)?generation\s*(-?)%\}(\s*)", RegexOptions.Singleline)]
    private static partial Regex GenerationTag();
}
