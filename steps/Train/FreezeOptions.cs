using System.ComponentModel.DataAnnotations;

namespace Workflows.Steps.Train;

/// <summary>Weights that stay fixed in <c>method: full</c> (YAML <c>freeze:</c>); everything else trains.</summary>
public sealed record FreezeOptions
{
    /// <summary>Keep the token embeddings fixed (with tied embeddings, the output head too). Default false.</summary>
    public bool Embeddings { get; init; }

    /// <summary>Keep the first N decoder layers fixed; at most the model's layer count. Default 0; range 0 to 1,000.</summary>
    [Range(0, 1000)]
    public int Layers { get; init; }
}
