using Workflows.Steps.Guard.Detectors;
using Workflows.Steps.Guard.GuardModel;

namespace Workflows.Steps.Guard;

/// <summary>The category names thresholds can use, given the options.</summary>
internal static class GuardCategories
{
    public const string NoRefusal = "no_refusal";
    public const string Unsafe = "unsafe";
    public const string Unparseable = "unparseable";
    public const string ScanPrefix = "scan.";

    /// <summary>Names reserved for built-in categories (a blocklist may not take them).</summary>
    public static readonly IReadOnlySet<string> Reserved =
        new HashSet<string>([PiiDetectors.Category, SecretDetectors.Category, NoRefusal, Unsafe, Unparseable, .. SafetyTaxonomy.Codes]);

    /// <summary>Rule categories the options switch on (for prompts and for scans alike).</summary>
    public static IEnumerable<string> Rules(GuardOptions options)
    {
        if (options.Pii) yield return PiiDetectors.Category;
        if (options.Secrets) yield return SecretDetectors.Category;
        foreach (var name in options.Blocklists.Keys) yield return name;
    }

    public static IEnumerable<string> Known(GuardOptions options)
    {
        if (options.Prompts is not null)
        {
            foreach (var rule in Rules(options)) yield return rule;
            yield return NoRefusal;
            if (options.GuardModel is { } guard)
            {
                yield return Unsafe;
                yield return Unparseable;
                foreach (var code in guard.Categories) yield return code;
            }
        }
        if (options.Scan is not null)
            foreach (var rule in Rules(options)) yield return ScanPrefix + rule;
    }
}
