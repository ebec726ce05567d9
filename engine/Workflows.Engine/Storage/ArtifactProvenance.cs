namespace Workflows.Engine.Storage;

/// <summary>Who produced an artifact, recorded in its manifest for lineage.</summary>
public sealed record ArtifactProvenance(string Workflow, string Step, string StepType, string Fingerprint, string RunId);
