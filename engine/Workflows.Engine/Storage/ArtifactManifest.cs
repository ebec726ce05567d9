using Workflows.Engine.Steps;

namespace Workflows.Engine.Storage;

/// <summary>The <c>manifest.json</c> beside an artifact's files: what it is, what it holds, who made it.</summary>
public sealed record ArtifactManifest(
    string Digest,
    ArtifactKind Kind,
    IReadOnlyList<ArtifactFile> Files,
    string Workflow,
    string Step,
    string StepType,
    string Fingerprint,
    string RunId,
    DateTimeOffset Created);
