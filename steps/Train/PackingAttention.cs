namespace Workflows.Steps.Train;

/// <summary>What a token of a packed sequence attends to.</summary>
public enum PackingAttention
{
    /// <summary>The earlier tokens of its own document only, with positions restarting at each document, so every
    /// document trains as it would alone (torchtune's packed datasets, Axolotl's sample packing, TRL's padding-free packing).</summary>
    Documents,

    /// <summary>Every earlier token of the sequence, earlier documents included (transformers' run_clm grouping).</summary>
    Sequence,
}
