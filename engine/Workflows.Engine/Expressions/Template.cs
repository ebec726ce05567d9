using System.Text.RegularExpressions;

namespace Workflows.Engine.Expressions;

/// <summary>A scalar split into literal text and <c>${{ … }}</c> references.</summary>
/// <remarks>A scalar that is exactly one reference keeps the referenced value's type (a param that is a
/// number stays a number, a step output becomes a path); references inside longer text are interpolated
/// as text.</remarks>
public sealed partial record Template(IReadOnlyList<object> Parts)
{
    /// <summary>The reference when the whole scalar is one expression, else null.</summary>
    public Reference? Whole => Parts is [Reference r] ? r : null;

    public IEnumerable<Reference> References => Parts.OfType<Reference>();

    public bool HasReferences => Parts.Any(p => p is Reference);

    /// <summary>Splits <paramref name="text"/>; returns false with a message for a malformed expression.</summary>
    public static bool TryParse(string text, out Template template, out string? error)
    {
        var parts = new List<object>();
        error = null;
        var position = 0;
        foreach (Match match in ExpressionPattern().Matches(text))
        {
            if (match.Index > position) parts.Add(text[position..match.Index]);
            var reference = ParseReference(match.Groups[1].Value.Trim());
            if (reference is null)
            {
                error = $"cannot read expression '${{{{ {match.Groups[1].Value.Trim()} }}}}'";
                template = new Template([text]);
                return false;
            }
            parts.Add(reference);
            position = match.Index + match.Length;
        }
        if (position < text.Length) parts.Add(text[position..]);
        if (parts.OfType<string>().Any(s => s.Contains("${{", StringComparison.Ordinal)))
        {
            error = "unterminated '${{' expression";
            template = new Template([text]);
            return false;
        }
        template = new Template(parts);
        return true;
    }

    private static Reference? ParseReference(string body)
    {
        var segments = body.Split('.');
        return segments switch
        {
            ["steps", var step, "outputs", var output] when Valid(step) && Valid(output) => new StepOutputReference(step, output),
            ["params", var name] when Valid(name) => new ParamReference(name),
            ["workflow", "name" or "version" or "device"] => new WorkflowFieldReference(segments[1]),
            _ => null,
        };
    }

    private static bool Valid(string identifier) => IdentifierPattern().IsMatch(identifier);

    [GeneratedRegex(@"\$\{\{(.*?)\}\}", RegexOptions.Singleline)]
    private static partial Regex ExpressionPattern();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_\-]*$")]
    private static partial Regex IdentifierPattern();
}
