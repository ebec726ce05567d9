namespace Workflows.Steps.Guard.Detectors;

/// <summary>A rule check over text: every span it flags, with the category thresholds count it under.</summary>
internal interface IDetector
{
    /// <summary>Threshold category: <c>pii</c>, <c>secrets</c>, or a blocklist's name.</summary>
    string Category { get; }

    /// <summary>Every finding in <paramref name="text"/>, in order.</summary>
    IEnumerable<Finding> Find(string text);
}
