using System.ComponentModel.DataAnnotations;
using Workflows.Engine.Steps;
using Workflows.Steps.EvalData;

namespace Workflows.Steps.Evaluate;

/// <summary>One evaluation task (an entry under <c>tasks:</c>).</summary>
public sealed record EvalTaskOptions
{
    /// <summary>What to measure: <c>perplexity</c>, <c>multiple_choice</c>, <c>generation</c> or <c>preference</c>
    /// (pairs from a preference dataset, or raw items whose <c>choices</c> are [chosen, rejected]). Required.</summary>
    public required EvalTaskType Type { get; init; }

    /// <summary>The items: a dataset output (<c>${{ steps.X.outputs.dataset }}</c>) or a raw .jsonl/.json/.csv/.tsv/.txt
    /// file (optionally .gz) read with <see cref="Fields"/>. Required.</summary>
    [Input(ArtifactKind.Any)]
    public required string Dataset { get; init; }

    /// <summary>Field names in a raw file. Default: <c>prompt</c>, <c>answer</c>, <c>text</c>, <c>label</c>, <c>choices</c>.</summary>
    public FieldMapping Fields { get; init; } = new();

    /// <summary>Items to evaluate; 0 evaluates all. Default 0; range 0 to 2,147,483,647.</summary>
    [Range(0, int.MaxValue)]
    public int Limit { get; init; }

    /// <summary>With <see cref="Limit"/>: true takes a random subset seeded by the step's <c>seed</c>, false the
    /// first items. Default false.</summary>
    public bool Sample { get; init; }

    /// <summary>How an item's prompt is shown to the model; <c>{prompt}</c> is replaced by it.
    /// Default <c>{prompt}</c>. Perplexity on prompt + target items scores the target only (completion-only loss).</summary>
    public string PromptTemplate { get; init; } = "{prompt}";

    /// <summary>Multiple choice: the choices, when items do not carry their own. A numeric label is a 0-based index
    /// into them (SST-2: <c>[negative, positive]</c>); a text label must equal one. Default: none.</summary>
    public List<string> Choices { get; init; } = [];

    /// <summary>Multiple choice and preference: text between the prompt and each choice (answer). Default one space, as lm-evaluation-harness.</summary>
    public string TargetDelimiter { get; init; } = " ";

    /// <summary>Generation: regex that extracts the answer from the model's output (first group, or the whole match;
    /// the last match wins). No match scores 0. Default: none (the whole trimmed output).</summary>
    public string? AnswerPattern { get; init; }

    /// <summary>Generation: regex that extracts the answer from the reference (GSM8K: <c>#### (\-?[0-9\.\,]+)</c>).
    /// Default: none (the whole trimmed reference).</summary>
    public string? ReferencePattern { get; init; }

    /// <summary>Generation and perplexity: write each prompt (after <see cref="PromptTemplate"/>) as the user turn of this chat
    /// template, as training with the same <c>template</c> did: <c>auto</c> (the adapter's own, shipped by the
    /// train step, else the model's), or <c>llama3</c>, <c>chatml</c>, <c>mistral</c>, <c>gemma</c>, <c>phi3</c>.
    /// Generation then stops only at the template's end of turn (its token when the tokenizer has it, else its
    /// text) or EOS, not at <see cref="StopStrings"/>, and the task also reports <c>end_of_turn</c>: the share of
    /// items whose answer ended there before <see cref="MaxNewTokens"/>. Perplexity: a prompt + target item becomes a
    /// user and an assistant turn, scored on the answer and its end-of-turn marker as the train step trains it. Default: none.</summary>
    public string? ChatTemplate { get; init; }

    /// <summary>Generation: most new tokens per item. Default 64; range 1 to 4,096.</summary>
    [Range(1, 4096)]
    public int MaxNewTokens { get; init; } = 64;

    /// <summary>Generation: the output is cut before the first of these. Default: a blank line (<c>"\n\n"</c>).</summary>
    public List<string> StopStrings { get; init; } = ["\n\n"];

    /// <summary>Sequences per forward pass: generation items decoded together (left-padded, each stopping on its own)
    /// and log-likelihood items scored together (an item's choices, or a pair's two answers, share one pass over
    /// their common context, then continue it together: batch_size × the choices sequences). Greedy answers are the
    /// same token for token as one at a time; log-likelihoods agree within float rounding. 1 runs every sequence
    /// alone. Default 16; range 1 to 1,024.</summary>
    [Range(1, 1024)]
    public int BatchSize { get; init; } = 16;

    /// <summary>Generation: compare answers after lower-casing and removing punctuation, articles and extra spaces.
    /// Default true.</summary>
    public bool Normalize { get; init; } = true;
}
