using Workflows.Engine.Caching;
using Workflows.Engine.Validation;

namespace Workflows.Engine.Planning;

/// <summary>Explains a cache miss by comparing with the step's last successful run.</summary>
internal static class RunReason
{
    public static string Explain(ValidatedStep step, FingerprintResult fingerprint, StepSnapshotStore snapshots, ValidatedWorkflow workflow)
    {
        if (fingerprint.WaitingFor is { } upstream) return $"upstream '{upstream}' will run";
        var previous = snapshots.Load(workflow.Definition.Name, step.Name);
        if (previous is null) return "no previous run";
        if (previous.StepType != step.Type.Name) return $"step type changed: {previous.StepType}→{step.Type.Name}";
        if (previous.StepVersion != step.Type.Version) return $"step version changed: {previous.StepVersion}→{step.Type.Version}";

        var before = CanonicalJson.Flatten(previous.Options);
        var after = CanonicalJson.Flatten(fingerprint.Options);
        var changed = before.Keys.Union(after.Keys).Order(StringComparer.Ordinal)
            .Where(k => before.GetValueOrDefault(k) != after.GetValueOrDefault(k)).ToList();
        if (changed.Count == 0) return "outputs no longer in the store";
        var inputs = changed.Where(k => IsDigest(before.GetValueOrDefault(k)) || IsDigest(after.GetValueOrDefault(k))).ToList();
        var options = changed.Except(inputs).Select(k => $"{k} {before.GetValueOrDefault(k) ?? "(unset)"}→{after.GetValueOrDefault(k) ?? "(unset)"}").ToList();
        var parts = new List<string>();
        if (options.Count > 0) parts.Add("options changed: " + string.Join(", ", options));
        if (inputs.Count > 0) parts.Add("input changed: " + string.Join(", ", inputs));
        return string.Join("; ", parts);
    }

    private static bool IsDigest(string? value) => value is not null && value.StartsWith("sha256:", StringComparison.Ordinal);
}
