using Workflows.Steps.Guard.Detectors;

namespace Workflows.Steps.Guard;

/// <summary>Masks personal data and secrets in any text a report quotes, whether or not those checks are switched on.</summary>
internal static class ReportMasker
{
    private static readonly IReadOnlyList<IDetector> Detectors = [.. PiiDetectors.All(), .. SecretDetectors.All()];

    public static string Mask(string text) => PiiMasker.Mask(text, RuleDetectors.Find(Detectors, text));
}
