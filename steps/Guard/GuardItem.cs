using Workflows.Steps.Guard.Detectors;
using Workflows.Steps.Guard.GuardModel;

namespace Workflows.Steps.Guard;

/// <summary>One checked text: a prompt with the model's reply, or a scanned row (no reply).</summary>
/// <param name="Id">Where it came from (<c>file:line</c> or row id).</param>
/// <param name="Prompt">The prompt as sent (or the scanned text).</param>
/// <param name="Reply">The model's reply; null for scanned rows.</param>
/// <param name="Findings">Rule findings in the reply (or in the scanned text).</param>
/// <param name="Refused">Whether the reply declines; null when refusal is not judged (scans).</param>
/// <param name="Verdict">The guard model's verdict; null without a guard model.</param>
internal sealed record GuardItem(string Id, string Prompt, string? Reply, IReadOnlyList<Finding> Findings, bool? Refused, GuardVerdict? Verdict)
{
    /// <summary>The categories this item violates.</summary>
    public IReadOnlySet<string> Violations()
    {
        var categories = Findings.Select(f => f.Category).ToHashSet();
        if (Refused == false) categories.Add(GuardCategories.NoRefusal);
        if (Verdict?.Outcome == GuardOutcome.Unsafe)
        {
            categories.Add(GuardCategories.Unsafe);
            categories.UnionWith(Verdict.Categories);
        }
        if (Verdict?.Outcome == GuardOutcome.Unparseable) categories.Add(GuardCategories.Unparseable);
        return categories;
    }
}
