using Workflows.Engine.Yaml;

namespace Workflows.Engine.Diagnostics;

/// <summary>One problem found in a workflow: where, in which step, what is wrong and what to do.</summary>
/// <remarks>Printed as <c>path:line:col step 'x': message — hint</c>, the shape compilers use, so
/// terminals and editors turn it into a link.</remarks>
public sealed record Diagnostic(SourceMark Mark, string? Step, string Message, string? Hint = null)
{
    public override string ToString()
    {
        var step = Step is null ? "" : $" step '{Step}':";
        var hint = Hint is null ? "" : $" — {Hint}";
        return $"{Mark}{step} {Message}{hint}";
    }
}
