using Workflows.Steps.Datasets;
using Workflows.Torch.Chat;
using Workflows.Torch.Chat.Jinja;
using Workflows.Torch.Tokenization;

namespace Workflows.Steps.Train.Preference;

/// <summary>The tokenised pairs (or KTO rows) of one dataset, with counts of what was dropped or cut.</summary>
public sealed record PreferenceData(IReadOnlyList<PreferenceItem> Items, int Unusable, int Truncated)
{
    /// <summary>Renders and tokenises the rows the objective trains on, each answer after its prompt with
    /// completion-only labels as in SFT. A pair whose answers are cut to the same tokens by
    /// <paramref name="maxLength"/> is skipped: its loss is ln 2 whatever the model, and in validation it
    /// would count as a wrong answer. Returns an error line when the dataset holds no such rows
    /// (naming its kinds and the objective) or when a row is too long and <c>overlong: fail</c>.</summary>
    public static (PreferenceData? Data, string? Error) Build(IReadOnlyList<DatasetRow> rows, TrainOptions options, TextTokenizer tokenizer, int maxLength, string field,
        ChatTemplate? chat = null)
    {
        var kto = options.Objective == TrainObjective.Kto;
        var needed = kto ? RowKind.Feedback : RowKind.Preference;
        if (rows.Count > 0 && rows.All(r => r.Kind != needed)) return (null, KindError(rows, options.Objective, field));
        var items = new List<PreferenceItem>();
        int unusable = 0, truncated = 0;
        string? error = null;
        TokenisedExample? Fit(DatasetRow row, IReadOnlyList<TextSegment> prompt, TextSegment answer)
        {
            var example = Tokenise(prompt, answer, tokenizer, options);
            if (example.Ids.Length > maxLength)
            {
                if (options.Overlong == OverlongPolicy.Fail)
                {
                    error ??= $"{field}: row from {row.SourceFile}:{row.SourceLine} has {example.Ids.Length} tokens, more than max_seq_len {maxLength}; " +
                        "raise max_seq_len (up to the model's context) or set overlong: truncate";
                    return null;
                }

                example = new TokenisedExample(example.Ids[..maxLength], example.Labels[..maxLength]);
                truncated++;
            }

            return example.TrainedTokens == 0 ? null : example;
        }

        foreach (var row in rows)
        {
            PreferenceItem? item = null;
            try
            {
            if (kto && PromptRenderer.RenderJudged(row, options.Template, options.CustomTemplate, chat) is { } judged
                && Fit(row, judged.Prompt, judged.Answer) is { } answer && row.Label is FeedbackLabels.Desirable or FeedbackLabels.Undesirable)
                item = new PreferenceItem(judged.Prompt, judged.Answer, answer, null, row.Label == FeedbackLabels.Desirable);
            else if (!kto && PromptRenderer.RenderPair(row, options.Template, options.CustomTemplate, chat) is { } pair
                && Fit(row, pair.Prompt, pair.Chosen) is { } chosen && Fit(row, pair.Prompt, pair.Rejected) is { } rejected
                && !chosen.Ids.AsSpan().SequenceEqual(rejected.Ids))                 // cut to the same tokens: no preference left to learn
                item = new PreferenceItem(pair.Prompt, pair.Chosen, chosen, rejected);
            }
            catch (JinjaException e)
            {
                return (null, $"{field}: row from {row.SourceFile}:{row.SourceLine}: {e.Message}");
            }

            if (error is not null) return (null, error);
            if (item is null) unusable++;
            else items.Add(item);
        }

        return (new PreferenceData(items, unusable, truncated), null);
    }

    /// <summary>A prompt and one answer as training sees them: only the answer trained, the prompt cut to
    /// <c>preference.max_prompt_length</c>. KTO's mismatched pairs go through here too, so they are tokenised as the data is.</summary>
    public static TokenisedExample Tokenise(IReadOnlyList<TextSegment> prompt, TextSegment answer, TextTokenizer tokenizer, TrainOptions options) =>
        KeepPromptEnd(ExampleTokeniser.Tokenise([.. prompt, answer], tokenizer, trainOnInputs: false, PromptRenderer.IsChatTemplate(options.Template)),
            options.Preference.MaxPromptLength);

    /// <summary>Cuts the prompt of <paramref name="example"/> (its untrained tokens before the first trained one) to
    /// its last <paramref name="maxPrompt"/> tokens, keeping a leading BOS (which has no label).</summary>
    public static TokenisedExample KeepPromptEnd(TokenisedExample example, int? maxPrompt)
    {
        var prompt = Array.FindIndex(example.Labels, l => l >= 0);
        if (maxPrompt is not { } most || prompt <= most) return example;
        var cut = prompt - most;                                                   // tokens dropped after BOS
        return new TokenisedExample([example.Ids[0], .. example.Ids[(1 + cut)..]], [example.Labels[0], .. example.Labels[(1 + cut)..]]);
    }

    /// <summary>The dataset's kinds with counts, e.g. <c>instruction (91)</c>.</summary>
    public static string Kinds(IEnumerable<DatasetRow> rows) =>
        string.Join(", ", rows.GroupBy(r => r.Kind).OrderBy(g => g.Key).Select(g => $"{g.Key.ToString().ToLowerInvariant()} ({g.Count()})"));

    private static string KindError(IReadOnlyList<DatasetRow> rows, TrainObjective objective, string field)
    {
        var name = objective.ToString().ToLowerInvariant();
        var needs = objective == TrainObjective.Kto
            ? "feedback rows (a conversation whose last answer is labelled desirable or undesirable, e.g. LLaMA-Factory's kto_tag)"
            : "preference rows (a prompt with a chosen and a rejected answer)";
        return $"{field}: objective {name} needs {needs}, but this dataset's rows are {Kinds(rows)}; ingest a preference dataset or use objective: sft";
    }
}
