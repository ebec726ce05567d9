namespace Workflows.Tracking.Git;

/// <summary>A workflow's <c>on.push</c> trigger.</summary>
/// <param name="WorkflowPath">The workflow file (absolute, or relative to the repository root).</param>
/// <param name="Branches">Branch globs (<c>main</c>, <c>release/*</c>); empty means every branch.</param>
/// <param name="Paths">Path globs relative to the repository root (<c>data/**</c>, <c>!docs/**</c>); empty means
/// the workflow file only (as the engine's <c>PushTrigger</c> defines it). The workflow's own file always counts.</param>
public sealed record WorkflowTrigger(string WorkflowPath, IReadOnlyList<string> Branches, IReadOnlyList<string> Paths);
