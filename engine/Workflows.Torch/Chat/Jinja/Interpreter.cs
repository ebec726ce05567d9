using System.Text;

namespace Workflows.Torch.Chat.Jinja;

/// <summary>Runs parsed statements, writing text to a buffer.</summary>
internal sealed class Interpreter
{
    private readonly StringBuilder _output = new();
    private readonly Evaluator _evaluator = new();

    public static string Run(IReadOnlyList<Node> nodes, Scope scope)
    {
        var interpreter = new Interpreter();
        interpreter.Execute(nodes, scope);
        return interpreter._output.ToString();
    }

    private enum Flow { Normal, Break, Continue }

    private Flow Execute(IReadOnlyList<Node> nodes, Scope scope)
    {
        foreach (var node in nodes)
        {
            var flow = Execute(node, scope);
            if (flow != Flow.Normal) return flow;
        }

        return Flow.Normal;
    }

    private Flow Execute(Node node, Scope scope)
    {
        switch (node)
        {
            case TextNode text:
                _output.Append(text.Text);
                return Flow.Normal;
            case OutputNode output:
                _output.Append(Values.Str(_evaluator.Evaluate(output.Value, scope)));
                return Flow.Normal;
            case IfNode branch:
                foreach (var (condition, body) in branch.Branches)
                {
                    if (Values.IsTrue(_evaluator.Evaluate(condition, scope))) return Execute(body, scope);
                }

                return Execute(branch.Else, scope);
            case ForNode loop:
                return For(loop, scope);
            case SetNode set when set.Attribute is null:
                scope.Set(set.Name, _evaluator.Evaluate(set.Value, scope));
                return Flow.Normal;
            case SetNode set:
                if (scope.Get(set.Name) is not Namespace ns) throw new JinjaException($"line {set.Line}: '{set.Name}' is not a namespace; only namespace attributes can be set");
                ns.Values[set.Attribute!] = _evaluator.Evaluate(set.Value, scope);
                return Flow.Normal;
            case LoopControlNode control:
                return control.IsBreak ? Flow.Break : Flow.Continue;
            default:
                throw new JinjaException($"line {node.Line}: unknown statement");
        }
    }

    private Flow For(ForNode loop, Scope scope)
    {
        var items = Values.Iterate(_evaluator.Evaluate(loop.Iterable, scope), loop.Line);
        if (loop.Filter is not null)
        {
            items = items.Where(item =>
            {
                var test = new Scope(scope);
                Bind(test, loop, item);
                return Values.IsTrue(_evaluator.Evaluate(loop.Filter, test));
            }).ToList();
        }

        if (items.Count == 0) return Execute(loop.Else, scope);
        for (var i = 0; i < items.Count; i++)
        {
            var body = new Scope(scope);
            Bind(body, loop, items[i]);
            body.Set("loop", Values.ToDictionary(new KeyValuePair<string, object?>[]
            {
                new("index", (long)i + 1), new("index0", (long)i), new("revindex", (long)(items.Count - i)),
                new("revindex0", (long)(items.Count - i - 1)), new("first", i == 0), new("last", i == items.Count - 1),
                new("length", (long)items.Count), new("previtem", i > 0 ? items[i - 1] : Undefined.Instance),
                new("nextitem", i < items.Count - 1 ? items[i + 1] : Undefined.Instance),
            }));
            if (Execute(loop.Body, body) == Flow.Break) break;
        }

        return Flow.Normal;
    }

    private static void Bind(Scope scope, ForNode loop, object? item)
    {
        if (loop.Targets.Count == 1)
        {
            scope.Set(loop.Targets[0], item);
            return;
        }

        var parts = item as List<object?> ?? throw new JinjaException($"line {loop.Line}: cannot unpack {Values.TypeName(item)} into {loop.Targets.Count} loop variables");
        if (parts.Count != loop.Targets.Count) throw new JinjaException($"line {loop.Line}: cannot unpack {parts.Count} values into {loop.Targets.Count} loop variables");
        for (var i = 0; i < parts.Count; i++) scope.Set(loop.Targets[i], parts[i]);
    }
}
