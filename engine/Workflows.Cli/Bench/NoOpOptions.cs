using System.ComponentModel.DataAnnotations;
using Workflows.Engine.Steps;

namespace Workflows.Cli.Bench;

/// <summary>Options of the benchmark fixture step.</summary>
public sealed record NoOpOptions
{
    /// <summary>Upstream outputs this step reads (graph edges).</summary>
    [Input(ArtifactKind.Any)]
    public IReadOnlyList<string> Inputs { get; init; } = [];

    /// <summary>A number that ends up in the output. Range 0–1000000.</summary>
    [Range(0, 1_000_000)]
    public int Value { get; init; }
}
