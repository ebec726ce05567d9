namespace Workflows.Steps.Train;

/// <summary>Token ids of one example and, aligned with them, the ids the loss is computed on
/// (<c>-100</c> where it is not: prompts, padding).</summary>
public sealed record TokenisedExample(long[] Ids, long[] Labels)
{
    /// <summary>Where each document packed into this sequence begins (the first at 0), when the documents attend
    /// only to themselves (<c>packing_attention: documents</c>); null for one example, or documents that see one another.</summary>
    public int[]? DocumentStarts { get; init; }

    /// <summary>Tokens that carry the loss.</summary>
    public int TrainedTokens => Labels.Count(l => l >= 0);
}
