namespace Workflows.Steps.Guard.Detectors;

/// <summary>Phone numbers: North American numbers (area and exchange codes start 2–9; optional +1, brackets,
/// spaces, dots or dashes) and international numbers written with a leading <c>+</c> (8 to 15 digits, E.164).</summary>
internal static class PhoneNumberDetector
{
    public static IDetector Create() => new RegexDetector(PiiDetectors.Category, "phone",
        RegexDetector.Compile(@"(?<![\w+.,-])(?:(?:\+?1[ .-]?)?(?:\([2-9]\d{2}\)|[2-9]\d{2})[ .-]?[2-9]\d{2}[ .-]?\d{4}|\+[2-9]\d{0,2}(?:[ .-]?\d){7,12})(?![\w]|[.,]\d)"));
}
