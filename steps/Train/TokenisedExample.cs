namespace Workflows.Steps.Train;

/// <summary>Token ids of one example and, aligned with them, the ids the loss is computed on
/// (<c>-100</c> where it is not: prompts, padding).</summary>
public sealed record TokenisedExample(long[] Ids, long[] Labels)
{
    /// <summary>Tokens that carry the loss.</summary>
    public int TrainedTokens => Labels.Count(l => l >= 0);
}
