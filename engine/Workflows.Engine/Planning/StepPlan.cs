using Workflows.Engine.Caching;
using Workflows.Engine.Validation;

namespace Workflows.Engine.Planning;

/// <summary>What will happen to one step and why.</summary>
/// <param name="Forced">True when the cache is ignored for it (--force, --step, --from).</param>
/// <param name="Fingerprint">Known when all its inputs are known now; else computed at run time.</param>
public sealed record StepPlan(ValidatedStep Step, StepDecision Decision, string Reason, bool Forced, string? Fingerprint, CacheEntry? Cache);
