namespace Workflows.Torch.Chat.Jinja;

/// <summary>The tests of <c>x is …</c>, also used by select/reject.</summary>
internal static partial class Builtins
{
    public static bool Test(string name, object? value, IReadOnlyList<object?> args, int line) => name switch
    {
        "defined" => value is not Undefined,
        "undefined" => value is Undefined,
        "none" => value is null,
        "string" => value is string,
        "number" => value is long or double,
        "integer" => value is long,
        "float" => value is double,
        "boolean" => value is bool,
        "true" => value is true,
        "false" => value is false,
        "mapping" => value is OrderedDictionary<string, object?> or Namespace,
        "iterable" => value is string or List<object?> or OrderedDictionary<string, object?>,
        "sequence" => value is string or List<object?> or OrderedDictionary<string, object?>,
        "callable" => value is JinjaFunction,
        "equalto" or "eq" or "==" or "sameas" => args.Count > 0 && Values.Equals(value, args[0]),
        "ne" or "!=" => args.Count > 0 && !Values.Equals(value, args[0]),
        "in" => args.Count > 0 && Operators.Contains(args[0], value, line),
        "odd" => value is long odd && odd % 2 != 0,
        "even" => value is long even && even % 2 == 0,
        "lower" => value is string lower && lower == lower.ToLowerInvariant(),
        "upper" => value is string upper && upper == upper.ToUpperInvariant(),
        _ => throw new JinjaException($"line {line}: test '{name}' is not supported by this chat-template engine"),
    };
}
