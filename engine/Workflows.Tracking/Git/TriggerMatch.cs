namespace Workflows.Tracking.Git;

/// <summary>A workflow the commits touched.</summary>
/// <param name="WorkflowPath">The workflow file, as given in its <see cref="WorkflowTrigger"/>.</param>
/// <param name="ChangedPaths">The changed paths (relative to the repository root, <c>/</c>-separated) that
/// matched its own file or its <c>paths</c> globs.</param>
public sealed record TriggerMatch(string WorkflowPath, IReadOnlyList<string> ChangedPaths);
