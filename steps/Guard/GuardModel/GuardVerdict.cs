namespace Workflows.Steps.Guard.GuardModel;

/// <summary>A parsed guard-model answer.</summary>
/// <param name="Outcome">Safe, unsafe or unparseable.</param>
/// <param name="Categories">Violated category codes (<c>S1</c> …), upper-case, without repeats; empty unless unsafe.</param>
/// <param name="Raw">The model's answer as generated.</param>
/// <param name="Problem">Why the answer could not be parsed; null otherwise.</param>
internal sealed record GuardVerdict(GuardOutcome Outcome, IReadOnlyList<string> Categories, string Raw, string? Problem = null);
