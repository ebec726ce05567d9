namespace Workflows.Torch.Chat.Jinja;

/// <summary>A name or key that does not exist: renders as nothing, is falsy, and is what
/// <c>is defined</c> tells apart from <c>none</c>.</summary>
internal sealed class Undefined
{
    public static readonly Undefined Instance = new();

    private Undefined()
    {
    }

    public override string ToString() => "";
}

/// <summary>The mutable object <c>namespace(...)</c> returns, so a loop can carry state out of its scope.</summary>
internal sealed class Namespace(OrderedDictionary<string, object?> values)
{
    public OrderedDictionary<string, object?> Values { get; } = values;
}

/// <summary>A callable value: global functions and bound methods.</summary>
internal delegate object? JinjaFunction(IReadOnlyList<object?> arguments, IReadOnlyDictionary<string, object?> named);
