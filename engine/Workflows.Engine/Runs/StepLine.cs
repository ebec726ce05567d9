namespace Workflows.Engine.Runs;

/// <summary>One line of <c>steps.jsonl</c>: a step's whole record as of one update, tagged with the
/// attempt that wrote it so that lines left by an earlier attempt are never applied to a later one.</summary>
internal sealed record StepLine(int Attempt, StepRecord Step);
