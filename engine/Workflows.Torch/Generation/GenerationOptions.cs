using Workflows.Torch.Chat;

namespace Workflows.Torch.Generation;

/// <summary>How to continue a prompt.</summary>
public sealed record GenerationOptions
{
    /// <summary>Most new tokens to produce. Default 200; at least 1.</summary>
    public int MaxTokens { get; init; } = 200;

    /// <summary>Softmax temperature. 0 (the default) means greedy decoding; otherwise &gt; 0.</summary>
    public double Temperature { get; init; }

    /// <summary>Keep only the K most likely tokens before sampling. 0 (the default) keeps all.</summary>
    public int TopK { get; init; }

    /// <summary>Nucleus sampling: keep the smallest set of tokens whose probability reaches P. Default 1 (keep all); in (0, 1].</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>Seed of the sampler, so sampled text is reproducible. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Generation stops when the completion contains one of these; the text is cut before it.</summary>
    public IReadOnlyList<string> StopStrings { get; init; } = [];

    /// <summary>Ids that end generation besides the tokenizer's end-of-sequence ids, e.g. a chat
    /// template's end-of-turn token (<c>&lt;|eot_id|&gt;</c>, <c>&lt;|im_end|&gt;</c>). Default none.</summary>
    public IReadOnlyList<int> StopTokenIds { get; init; } = [];

    /// <summary>Whether the prompt starts with the BOS token. Default true.</summary>
    public bool AddBos { get; init; } = true;

    /// <summary>Reuse keys/values of earlier tokens (default true); false recomputes the whole sequence per token.</summary>
    public bool UseKvCache { get; init; } = true;

    /// <summary>These options for a prompt <paramref name="chat"/> rendered (unchanged when null): the template
    /// writes its own BOS, and the answer ends at its end-of-turn marker — its token when the tokenizer has
    /// one, else its text.</summary>
    public GenerationOptions ForChat(ChatTemplate? chat) => chat is null ? this : this with
    {
        AddBos = false,
        StopStrings = chat.EndOfTurnId is null ? [.. StopStrings, chat.EndOfTurn] : StopStrings,
        StopTokenIds = chat.EndOfTurnId is { } id ? [.. StopTokenIds, id] : StopTokenIds,
    };

    /// <summary>Throws <see cref="ArgumentException"/> listing every out-of-range option.</summary>
    public GenerationOptions Validate()
    {
        var errors = new List<string>();
        if (MaxTokens < 1)
        {
            errors.Add($"max tokens must be at least 1, got {MaxTokens}");
        }

        if (Temperature < 0 || double.IsNaN(Temperature))
        {
            errors.Add($"temperature must be 0 (greedy) or positive, got {Temperature}");
        }

        if (TopK < 0)
        {
            errors.Add($"top-k must be 0 (off) or positive, got {TopK}");
        }

        if (!(TopP > 0 && TopP <= 1))
        {
            errors.Add($"top-p must be in (0, 1], got {TopP}");
        }

        return errors.Count == 0 ? this : throw new ArgumentException(string.Join("; ", errors));
    }
}
