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
            return ReadNode(parser, file, anchors, diagnostics);
        }
        catch (YamlException e)
        {
            var message = e.InnerException?.Message ?? e.Message;
            // YamlDotNet prefixes its own "(Line: x, Col: y ...)" position; ours is already in front.
            var paren = message.IndexOf("): ", StringComparison.Ordinal);
            if (message.StartsWith("(Line", StringComparison.Ordinal) && paren > 0) message = message[(paren + 3)..];
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

    private static YamlNode ReadNode(IParser parser, string file, Dictionary<string, YamlNode> anchors, DiagnosticList diagnostics)
    {
        var current = parser.Current ?? throw new YamlException("unexpected end of document");
        var mark = MarkOf(current.Start, file);
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
                while (!parser.TryConsume<SequenceEnd>(out _)) items.Add(ReadNode(parser, file, anchors, diagnostics));
                return Remember(start.Anchor, new YamlSequence(mark, items), anchors);
            }
            case MappingStart start:
            {
                parser.MoveNext();
                var entries = new List<KeyValuePair<YamlScalar, YamlNode>>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var keyNode = ReadNode(parser, file, anchors, diagnostics);
                    var value = ReadNode(parser, file, anchors, diagnostics);
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
}
