namespace Workflows.Torch.Generation;

/// <summary>Why generation ended.</summary>
public enum StopReason
{
    /// <summary>The model produced an end-of-sequence (or, for llama2.c models, a new BOS) token.</summary>
    EndOfSequence,

    /// <summary>The completion contained a stop string.</summary>
    StopString,

    /// <summary><see cref="GenerationOptions.MaxTokens"/> tokens were produced.</summary>
    MaxTokens,

    /// <summary>The sequence filled the model's context (max_position_embeddings).</summary>
    ContextFull,
}
