namespace Workflows.Steps.Guard.Detectors;

/// <summary>E-mail addresses: local part, <c>@</c>, a dotted domain ending in a 2+ letter top-level domain.</summary>
internal static class EmailDetector
{
    public static IDetector Create() => new RegexDetector(PiiDetectors.Category, "email",
        RegexDetector.Compile(@"(?<![\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])"));
}
