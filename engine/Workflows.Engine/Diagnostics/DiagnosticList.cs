using Workflows.Engine.Yaml;

namespace Workflows.Engine.Diagnostics;

/// <summary>Collects every problem of one validation pass, so users fix them all at once.</summary>
public sealed class DiagnosticList
{
    private readonly List<Diagnostic> _items = [];

    public IReadOnlyList<Diagnostic> Items => _items;

    public bool HasErrors => _items.Count > 0;

    public void Add(SourceMark mark, string? step, string message, string? hint = null) =>
        _items.Add(new Diagnostic(mark, step, message, hint));

    public void AddRange(IEnumerable<Diagnostic> diagnostics) => _items.AddRange(diagnostics);

    /// <summary>Sorted by position, then message, so output is stable.</summary>
    public IReadOnlyList<Diagnostic> Sorted() =>
        _items.OrderBy(d => d.Mark.File, StringComparer.Ordinal).ThenBy(d => d.Mark.Line)
            .ThenBy(d => d.Mark.Column).ThenBy(d => d.Message, StringComparer.Ordinal).ToList();
}
