namespace Workflows.Engine.Caching;

/// <summary>What a fingerprint produced: output name → artifact digest, and the run that made it.</summary>
public sealed record CacheEntry(string Fingerprint, string StepType, IReadOnlyDictionary<string, string> Outputs, string RunId, DateTimeOffset Created);
