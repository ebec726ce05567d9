namespace Workflows.Steps.Guard.Detectors;

/// <summary>One flagged span.</summary>
/// <param name="Category">What threshold it counts against (<c>pii</c>, <c>secrets</c>, a blocklist name).</param>
/// <param name="Kind">What was found (<c>email</c>, <c>credit_card</c>, <c>aws_access_key</c>, the blocked word …); also the mask label.</param>
/// <param name="Start">Index of its first character.</param>
/// <param name="Length">Its length in characters.</param>
internal sealed record Finding(string Category, string Kind, int Start, int Length);
