namespace Workflows.Steps.Evaluate;

/// <summary>What an evaluation task measures.</summary>
public enum EvalTaskType
{
    /// <summary>Mean next-token cross-entropy (nats/token) and perplexity: over whole texts, or over the
    /// target only (completion-only) for prompt + target items.</summary>
    Perplexity,
    /// <summary>Log-likelihood of each choice after the prompt: <c>acc</c> and length-normalised <c>acc_norm</c>.</summary>
    MultipleChoice,
    /// <summary>Greedy generation scored against the reference: <c>exact_match</c>, <c>contains</c>, <c>f1</c>, <c>rouge_l</c>.</summary>
    Generation,
    /// <summary>Held-out preference pairs: the share where the model gives the chosen answer a higher log-likelihood
    /// than the rejected one, summed (<c>accuracy</c>) and per token (<c>accuracy_norm</c>), and the mean margins.</summary>
    Preference,
}
