using Workflows.Engine.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Workflows.Engine.Yaml;

/// <summary>Reads YAML text into <see cref="YamlNode"/>s that keep their file:line:col.</summary>
/// <remarks>Built on YamlDotNet's event parser rather than its representation model so that a duplicate
/// key (a duplicated step name, most often) is one diagnostic among others instead of an exception
/// that hides every later problem.</remarks>
public static class YamlTreeReader
{
    /// <summary>Deepest nesting of mappings and sequences accepted. Real workflows stay under ten
    /// levels; the limit exists because nodes are read recursively, and a hostile file nested
    /// 100,000 deep would otherwise overflow the stack and kill the process instead of being reported.</summary>
    public const int MaxDepth = 64;

    /// <summary>Parses the first document. Returns null (with a diagnostic) on a syntax error.</summary>
    public static YamlNode? Read(string text, string file, DiagnosticList diagnostics)
    {
        var parser = new Parser(new StringReader(text));
        var anchors = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                diagnostics.Add(new SourceMark(file, 1, 1), null, "the file is empty", "a workflow starts with 'api_version: workflows/v1'");
                return null;
            }
            parser.Consume<DocumentStart>();
            return ReadNode(parser, file, anchors, diagnostics, 0);
        }
        catch (NestingTooDeep e)
        {
            diagnostics.Add(e.Mark, null, $"YAML nested more than {MaxDepth} levels deep",
                "flatten the structure; no workflow option nests this deep");
            return null;
        }
        catch (YamlException e)
        {
            var message = e.InnerException?.Message ?? e.Message;
            // YamlDotNet prefixes its own "(Line: x, Col: y ...)" position; ours is already in front.
            var paren = message.IndexOf("): ", StringComparison.Ordinal);
            if (message.StartsWith("(Line", StringComparison.Ordinal) && paren > 0) message = message[(paren + 3)..];
            if (message.Contains("tab", StringComparison.OrdinalIgnoreCase) && TabIndentation(text, file, (int)e.Start.Line) is { } tab)
            {
                diagnostics.Add(tab, null, "YAML syntax error: a tab used as indentation", "indent with spaces; YAML does not allow tabs there");
                return null;
            }
            diagnostics.Add(MarkOf(e.Start, file), null, $"YAML syntax error: {message}", "fix the YAML syntax (indentation, quotes, colons)");
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this for some unterminated flow collections; the last event it
            // produced is the nearest position we can name.
            var mark = parser.Current is { } last ? MarkOf(last.End, file) : new SourceMark(file, 1, 1);
            diagnostics.Add(mark, null, "YAML syntax error: an unterminated '[' or '{' or quote", "close the bracket or quote that starts near here");
            return null;
        }
    }

    private static YamlNode ReadNode(IParser parser, string file, Dictionary<string, YamlNode> anchors, DiagnosticList diagnostics, int depth)
    {
        var current = parser.Current ?? throw new YamlException("unexpected end of document");
        var mark = MarkOf(current.Start, file);
        // Checked before recursing, so the stack never grows past MaxDepth frames of this method.
        if (depth > MaxDepth) throw new NestingTooDeep(mark);
        switch (current)
        {
            case AnchorAlias alias:
                parser.MoveNext();
                if (anchors.TryGetValue(alias.Value.Value, out var target)) return target;
                diagnostics.Add(mark, null, $"unknown YAML alias '*{alias.Value.Value}'", "define the anchor with '&name' before using it");
                return new YamlScalar(mark, "", true);
            case Scalar scalar:
                parser.MoveNext();
                return Remember(scalar.Anchor, new YamlScalar(mark, scalar.Value, scalar.Style == ScalarStyle.Plain), anchors);
            case SequenceStart start:
            {
                parser.MoveNext();
                var items = new List<YamlNode>();
                while (!parser.TryConsume<SequenceEnd>(out _)) items.Add(ReadNode(parser, file, anchors, diagnostics, depth + 1));
                return Remember(start.Anchor, new YamlSequence(mark, items), anchors);
            }
            case MappingStart start:
            {
                parser.MoveNext();
                var entries = new List<KeyValuePair<YamlScalar, YamlNode>>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var keyNode = ReadNode(parser, file, anchors, diagnostics, depth + 1);
                    var value = ReadNode(parser, file, anchors, diagnostics, depth + 1);
                    if (keyNode is not YamlScalar key)
                    {
                        diagnostics.Add(keyNode.Mark, null, "a mapping key must be a plain value", "use a name such as 'train' as the key");
                        continue;
                    }
                    if (!seen.Add(key.Value))
                    {
                        diagnostics.Add(key.Mark, null, $"duplicate key '{key.Value}'", "each key may appear once in a mapping; rename or remove one");
                        continue;
                    }
                    entries.Add(new(key, value));
                }
                return Remember(start.Anchor, new YamlMapping(mark, entries), anchors);
            }
            default:
                throw new YamlException(current.Start, current.End, $"unexpected {current.GetType().Name}");
        }
    }

    private static YamlNode Remember(AnchorName anchor, YamlNode node, Dictionary<string, YamlNode> anchors)
    {
        if (!anchor.IsEmpty) anchors[anchor.Value] = node;
        return node;
    }

    private static SourceMark MarkOf(Mark mark, string file) => new(file, (int)mark.Line, (int)mark.Column);

    /// <summary>The first tab in a line's indentation at or after <paramref name="fromLine"/>: YamlDotNet
    /// reports such an error at the start of the enclosing mapping (often 1:1), not at the tab.</summary>
    private static SourceMark? TabIndentation(string text, string file, int fromLine)
    {
        var lines = text.Split('\n');
        for (var i = Math.Max(fromLine, 1) - 1; i < lines.Length; i++)
        {
            var line = lines[i];
            var indent = line.Length - line.TrimStart(' ', '\t').Length;
            var tab = line.IndexOf('\t', 0, indent);
            if (tab >= 0) return new SourceMark(file, i + 1, tab + 1);
        }
        return null;
    }

    private sealed class NestingTooDeep(SourceMark mark) : Exception
    {
        public SourceMark Mark { get; } = mark;
    }
}
