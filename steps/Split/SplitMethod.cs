namespace Workflows.Steps.Split;

/// <summary>How rows are dealt to train, validation and test.</summary>
public enum SplitMethod
{
    /// <summary>Every row on its own, shuffled by the seed.</summary>
    Random,
    /// <summary>Each value of <c>stratify_by</c> is split in the ratios on its own, so label shares match
    /// across splits; rows sharing a <c>group_by</c> key still stay together.</summary>
    Stratified,
    /// <summary>All rows sharing a <c>group_by</c> key (default <c>source_id</c>) land in the same split,
    /// so augmented variants of a row never straddle train and validation.</summary>
    Grouped,
}
