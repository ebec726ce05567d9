using System.Text.Json.Serialization;

namespace Workflows.Tracking.Spool;

/// <summary>One tracking call that still has to reach a server: a line of a spool file, or an event made
/// from a local file store. Runs are named by the client's own id (<see cref="ClientRunId"/>); the
/// server's id is filled in when the run already existed on the server.</summary>
internal sealed record SpoolEvent
{
    /// <summary>Unique per event; a push remembers the ids it has applied.</summary>
    public required string Id { get; init; }

    public required SpoolEventKind Kind { get; init; }

    public required string ClientRunId { get; init; }

    public string? ServerRunId { get; init; }

    public string? Experiment { get; init; }

    public string? RunName { get; init; }

    public string? UserName { get; init; }

    public string? ParentClientRunId { get; init; }

    public string? ParentServerRunId { get; init; }

    public long? Time { get; init; }

    public IReadOnlyDictionary<string, string>? Params { get; init; }

    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    public IReadOnlyList<SpoolMetric>? Metrics { get; init; }

    /// <summary>The artifact's file, relative to the spool folder (copied there so it outlives temp files).</summary>
    public string? LocalFile { get; init; }

    /// <summary>Where the artifact goes in the run, or the model's artifact path for a registration.</summary>
    public string? ArtifactPath { get; init; }

    public string? Status { get; init; }

    public string? ModelName { get; init; }

    /// <summary>For a registration: registry aliases to move to the version (its version tags are <see cref="Tags"/>).</summary>
    public IReadOnlyList<string>? Aliases { get; init; }
}

/// <summary>A metric value as spooled; <see cref="Value"/> may be NaN or ±Infinity.</summary>
internal sealed record SpoolMetric(string Key, double Value, long Step, long Timestamp);

[JsonConverter(typeof(JsonStringEnumConverter<SpoolEventKind>))]
internal enum SpoolEventKind { Start, Params, Metrics, Tags, Artifact, End, Register }
