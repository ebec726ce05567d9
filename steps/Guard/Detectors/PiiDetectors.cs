namespace Workflows.Steps.Guard.Detectors;

/// <summary>The personal-data detectors, counted under the <c>pii</c> category.</summary>
internal static class PiiDetectors
{
    public const string Category = "pii";

    public static IReadOnlyList<IDetector> All() =>
        [EmailDetector.Create(), CreditCardDetector.Create(), IbanDetector.Create(), SsnDetector.Create(), PhoneNumberDetector.Create()];
}
