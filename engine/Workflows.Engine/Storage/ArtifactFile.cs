namespace Workflows.Engine.Storage;

/// <summary>One file of an artifact, with its digest so a reader can verify it.</summary>
public sealed record ArtifactFile(string Path, string Sha256, long Size);
