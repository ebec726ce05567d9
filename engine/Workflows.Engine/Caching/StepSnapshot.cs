using System.Text.Json.Nodes;

namespace Workflows.Engine.Caching;

/// <summary>The last successful state of a workflow's step: lets the planner say why a step will run
/// again (<c>options changed: lora.rank 8→16</c>).</summary>
public sealed record StepSnapshot(string Fingerprint, string StepType, int StepVersion, JsonNode Options, string RunId);
