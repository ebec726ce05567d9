namespace Workflows.Engine.Definition;

/// <summary>When a commit should run the workflow: on these branches, when it touches these paths.</summary>
/// <param name="Branches">Branch names or globs; empty means any branch.</param>
/// <param name="Paths">Path globs relative to the repository root; empty means the workflow file only.</param>
public sealed record PushTrigger(IReadOnlyList<string> Branches, IReadOnlyList<string> Paths);
