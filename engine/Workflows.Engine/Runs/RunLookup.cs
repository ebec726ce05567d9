namespace Workflows.Engine.Runs;

/// <summary>What looking a run up found: the record, or why there is none to show (no such run, an
/// ambiguous prefix, or a record that cannot be read), worded for the user.</summary>
public sealed record RunLookup(RunRecord? Record, string? Problem);
