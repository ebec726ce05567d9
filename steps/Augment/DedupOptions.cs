using System.ComponentModel.DataAnnotations;

namespace Workflows.Steps.Augment;

/// <summary>Duplicate removal after augmentation (YAML <c>dedup:</c>); the first row of a duplicate set
/// is kept, in input order.</summary>
public sealed record DedupOptions
{
    /// <summary>Drop rows whose content id equals an earlier row's. Default true.</summary>
    public bool Exact { get; init; } = true;

    /// <summary>Drop rows whose estimated Jaccard similarity (MinHash over word shingles) to an earlier
    /// row from a different source reaches this value; variants of one source row are never dropped as
    /// near-duplicates of each other. Default: off (null); range 0.5 to 1.</summary>
    [Range(0.5, 1.0)]
    public double? NearThreshold { get; init; }

    /// <summary>Words per shingle for near-duplicate detection. Default 3; range 1 to 16.</summary>
    [Range(1, 16)]
    public int ShingleSize { get; init; } = 3;
}
