using Workflows.Steps.Guard.Detectors;

namespace Workflows.Steps.Guard;

/// <summary>The rule detectors the options switch on.</summary>
internal static class RuleDetectors
{
    public static IReadOnlyList<IDetector> For(GuardOptions options) =>
    [
        .. options.Pii ? PiiDetectors.All() : [],
        .. options.Secrets ? SecretDetectors.All() : [],
        .. options.Blocklists.Select(b => (IDetector)new BlocklistDetector(b.Key, b.Value.Words, b.Value.Patterns)),
    ];

    public static List<Finding> Find(IReadOnlyList<IDetector> detectors, string text) =>
        detectors.SelectMany(d => d.Find(text)).OrderBy(f => f.Start).ToList();
}
