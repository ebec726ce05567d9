namespace Workflows.Torch.Chat.Jinja;

/// <summary>Variables visible at a point of the template. A <c>for</c> body gets its own scope per
/// iteration, so a <c>set</c> inside a loop does not leak out (Jinja's rule; namespaces exist for that).</summary>
internal sealed class Scope(Scope? parent)
{
    private readonly Dictionary<string, object?> _variables = new(StringComparer.Ordinal);

    public object? Get(string name)
    {
        for (var scope = this; scope is not null; scope = scope.Parent)
        {
            if (scope._variables.TryGetValue(name, out var value)) return value;
        }

        return Undefined.Instance;
    }

    public void Set(string name, object? value) => _variables[name] = value;

    public Scope? Parent { get; } = parent;
}
