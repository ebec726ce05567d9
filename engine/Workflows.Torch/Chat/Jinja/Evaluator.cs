using System.Globalization;

namespace Workflows.Torch.Chat.Jinja;

/// <summary>Evaluates expressions with Python's meaning of the operators.</summary>
internal sealed class Evaluator
{
    public object? Evaluate(Expr expression, Scope scope)
    {
        switch (expression)
        {
            case LiteralExpr literal:
                return literal.Value;
            case NameExpr name:
                return scope.Get(name.Name);
            case ListExpr list:
                return list.Items.Select(item => Evaluate(item, scope)).ToList();
            case DictExpr dict:
                return Values.ToDictionary(dict.Items.Select(p => new KeyValuePair<string, object?>(
                    Evaluate(p.Key, scope) as string ?? throw new JinjaException($"line {dict.Line}: mapping keys must be strings"), Evaluate(p.Value, scope))));
            case AttributeExpr attribute:
                return Builtins.Attribute(Evaluate(attribute.Target, scope), attribute.Name, attribute.Line);
            case IndexExpr index:
                return Index(Evaluate(index.Target, scope), Evaluate(index.Index, scope), index.Line);
            case SliceExpr slice:
                return Slice(Evaluate(slice.Target, scope), Int(slice.Start, scope), Int(slice.Stop, scope), Int(slice.Step, scope), slice.Line);
            case CallExpr call:
                var function = Evaluate(call.Function, scope) as JinjaFunction
                    ?? throw new JinjaException($"line {call.Line}: {Describe(call.Function)} is not a function this engine provides");
                return function(call.Arguments.Select(a => Evaluate(a, scope)).ToList(), call.Named.ToDictionary(n => n.Name, n => Evaluate(n.Value, scope)));
            case FilterExpr filter:
                return Builtins.Filter(filter.Name, Evaluate(filter.Value, scope), filter.Arguments.Select(a => Evaluate(a, scope)).ToList(),
                    filter.Named.ToDictionary(n => n.Name, n => Evaluate(n.Value, scope)), filter.Line);
            case TestExpr test:
                var outcome = Builtins.Test(test.Name, Evaluate(test.Value, scope), test.Arguments.Select(a => Evaluate(a, scope)).ToList(), test.Line);
                return test.Negated ? !outcome : outcome;
            case UnaryExpr unary:
                var operand = Evaluate(unary.Operand, scope);
                return unary.Operator switch
                {
                    "not" => !Values.IsTrue(operand),
                    "-" => operand switch { long l => (object)(-l), double d => -d, _ => throw new JinjaException($"line {unary.Line}: cannot negate {Values.TypeName(operand)}") },
                    _ => operand,
                };
            case BinaryExpr { Operator: "and" } and:
                var left = Evaluate(and.Left, scope);
                return Values.IsTrue(left) ? Evaluate(and.Right, scope) : left;
            case BinaryExpr { Operator: "or" } or:
                var first = Evaluate(or.Left, scope);
                return Values.IsTrue(first) ? first : Evaluate(or.Right, scope);
            case BinaryExpr binary:
                return Operators.Apply(binary.Operator, Evaluate(binary.Left, scope), Evaluate(binary.Right, scope), binary.Line);
            case ConditionalExpr conditional:
                return Values.IsTrue(Evaluate(conditional.Condition, scope))
                    ? Evaluate(conditional.WhenTrue, scope)
                    : conditional.WhenFalse is null ? Undefined.Instance : Evaluate(conditional.WhenFalse, scope);
            default:
                throw new JinjaException($"line {expression.Line}: unknown expression");
        }
    }

    private static string Describe(Expr expression) => expression switch
    {
        NameExpr name => $"'{name.Name}'",
        AttributeExpr attribute => $"'.{attribute.Name}'",
        _ => "the called value",
    };

    private long? Int(Expr? expression, Scope scope) => expression is null ? null : Evaluate(expression, scope) switch
    {
        long l => l,
        null => null,
        var other => throw new JinjaException($"line {expression.Line}: slice bounds must be integers, got {Values.TypeName(other)}"),
    };

    private static object? Index(object? target, object? key, int line)
    {
        switch (target, key)
        {
            case (OrderedDictionary<string, object?> dict, string name):
                return dict.TryGetValue(name, out var value) ? value : Undefined.Instance;
            case (Namespace ns, string name):
                return ns.Values.TryGetValue(name, out var field) ? field : Undefined.Instance;
            case (List<object?> list, long i):
                var at = i < 0 ? list.Count + i : i;
                return at >= 0 && at < list.Count ? list[(int)at] : Undefined.Instance;
            case (string s, long i):
                var position = i < 0 ? s.Length + i : i;
                return position >= 0 && position < s.Length ? s[(int)position].ToString() : Undefined.Instance;
            case (Undefined, _):
                return Undefined.Instance;
            case (_, string name):
                return Builtins.Attribute(target, name, line);
            default:
                throw new JinjaException($"line {line}: cannot index {Values.TypeName(target)} with {Values.TypeName(key)}");
        }
    }

    // Python slicing: negative bounds count from the end, a negative step walks backwards.
    private static object? Slice(object? target, long? start, long? stop, long? step, int line)
    {
        var items = target switch
        {
            List<object?> list => list,
            string s => s.Select(c => (object?)c.ToString()).ToList(),
            _ => throw new JinjaException($"line {line}: cannot slice {Values.TypeName(target)}"),
        };
        var n = items.Count;
        var by = step ?? 1;
        if (by == 0) throw new JinjaException($"line {line}: slice step cannot be zero");
        long Clamp(long? bound, long fallback)
        {
            if (bound is null) return fallback;
            var b = bound.Value < 0 ? bound.Value + n : bound.Value;
            return by > 0 ? Math.Clamp(b, 0, n) : Math.Clamp(b, -1, n - 1);
        }

        var from = Clamp(start, by > 0 ? 0 : n - 1);
        var to = Clamp(stop, by > 0 ? n : -1);
        var result = new List<object?>();
        for (var i = from; by > 0 ? i < to : i > to; i += by) result.Add(items[(int)i]);
        return target is string ? string.Concat(result.Cast<string>()) : result;
    }
}
