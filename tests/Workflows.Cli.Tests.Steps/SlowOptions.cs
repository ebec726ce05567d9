using Workflows.Engine.Steps;

namespace Workflows.Cli.Tests.Steps;

/// <summary>Options of the test-only <c>slow</c> step.</summary>
public sealed record SlowOptions
{
    /// <summary>Text written to the output.</summary>
    public string Text { get; init; } = "";

    /// <summary>Upstream outputs (graph edges).</summary>
    [Input(ArtifactKind.Any)]
    public IReadOnlyList<string> Inputs { get; init; } = [];

    /// <summary>A file (absolute path) each run of the step appends "start PID" and "end PID" to, so a
    /// test sees which processes computed it and whether they overlapped.</summary>
    public string Journal { get; init; } = "";

    /// <summary>The step waits until this file exists (absolute path), at most <see cref="MaxSeconds"/>.</summary>
    public string Release { get; init; } = "";

    /// <summary>When set, the step fails with this message (after the wait) instead of writing its output.</summary>
    public string Fail { get; init; } = "";

    /// <summary>Longest wait for <see cref="Release"/>, in seconds. Default 60.</summary>
    public int MaxSeconds { get; init; } = 60;
}
