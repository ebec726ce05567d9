using System.ComponentModel.DataAnnotations;
using Workflows.Engine.Steps;

namespace Custom.Steps;

/// <summary>Options of the word_count step.</summary>
public sealed record WordCountOptions
{
    /// <summary>A text file to count words in (a path, or any upstream output holding a single .txt).</summary>
    [Input(ArtifactKind.Any)]
    public required string Text { get; init; }

    /// <summary>How many of the most frequent words to report. Default 10, range 1–1000.</summary>
    [Range(1, 1000)]
    public int Top { get; init; } = 10;

    /// <summary>Fold case before counting. Default true.</summary>
    public bool IgnoreCase { get; init; } = true;
}
