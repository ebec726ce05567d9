using Workflows.Steps.EvalData;
using Workflows.Steps.Evaluate.Metrics;
using Workflows.Torch.Chat;
using Workflows.Torch.Generation;

namespace Workflows.Steps.Evaluate.Scoring;

/// <summary>Greedy generation per item, the answer extracted from output and reference, scored by exact match,
/// contains, token F1 and ROUGE-L (each averaged over items). Exact match and F1 compare the extracted answers,
/// contains looks for the extracted reference in the whole output, ROUGE-L compares the whole output with the whole
/// reference text. Items whose reference yields no answer, or whose prompt fills the context, are skipped. Items are
/// generated <see cref="EvalTaskOptions.BatchSize"/> at a time; each answer is the one the item gets alone.</summary>
internal static class GenerationScorer
{
    public const int SampleCount = 5;

    /// <summary>With a chat template: the share of items whose answer ended at the template's end of turn (or EOS).</summary>
    public const string EndOfTurn = "end_of_turn";

    public static TaskScores Score(ModelUnderTest model, IReadOnlyList<EvalExample> items, EvalTaskOptions task, Action<int> progress, CancellationToken ct)
    {
        var answers = new AnswerExtractor(task.AnswerPattern);
        var references = new AnswerExtractor(task.ReferencePattern);
        var chat = TaskChat.For(task, model);
        // With a chat template the answer ends at the template's end of turn, not at the task's stop strings.
        var generation = new GenerationOptions { MaxTokens = task.MaxNewTokens, StopStrings = chat is null ? task.StopStrings : [] }.ForChat(chat);
        var scoredItems = new List<(EvalExample Item, string Reference, string Prompt, int Index)>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var reference = item.Target is null ? null : references.Extract(item.Target);
            if (string.IsNullOrEmpty(reference) || item.Prompt is null) continue;
            var prompt = PromptTemplate.Fill(task.PromptTemplate, item.Prompt);
            if (chat is not null) prompt = chat.Render([new ChatTurn("user", prompt)], addGenerationPrompt: true);
            if (model.Tokenizer.Encode(prompt, generation.AddBos).Count >= model.Model.Config.MaxPositionEmbeddings) continue;   // leaves no room to answer
            scoredItems.Add((item, reference, prompt, i));
        }

        var outputs = BatchGenerator.Generate(model.Model, model.Tokenizer, [.. scoredItems.Select(s => s.Prompt)], generation, task.BatchSize, ct,
            done => progress(scoredItems[done - 1].Index + 1));
        var sums = new Dictionary<string, double> { ["exact_match"] = 0, ["contains"] = 0, ["f1"] = 0, ["rouge_l"] = 0 };
        if (chat is not null) sums[EndOfTurn] = 0;
        var samples = new List<ScoredItem>();
        for (var i = 0; i < scoredItems.Count; i++)
        {
            var (item, reference, prompt, _) = scoredItems[i];
            var output = outputs[i].Completion;
            if (chat is not null && outputs[i].StopReason is StopReason.EndOfSequence or StopReason.StopString) sums[EndOfTurn]++;
            var prediction = answers.Extract(output);
            var exact = prediction is null ? 0 : ExactMatch.Score(prediction, reference, task.Normalize);
            sums["exact_match"] += exact;
            sums["contains"] += ContainsMatch.Score(output, reference, task.Normalize);
            sums["f1"] += prediction is null ? 0 : TokenF1.Score(prediction, reference, task.Normalize);
            sums["rouge_l"] += RougeL.Score(output, item.Target!);
            if (samples.Count < SampleCount) samples.Add(new ScoredItem(item.Id, prompt, reference, output, exact));
        }
        var scored = scoredItems.Count;
        var metrics = sums.ToDictionary(s => s.Key, s => scored == 0 ? double.NaN : s.Value / scored);
        metrics[TaskMetrics.Items] = scored;
        return new TaskScores(metrics, samples);
    }
}
