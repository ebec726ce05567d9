using System.Globalization;
using Workflows.Torch.Engine;
using Workflows.Steps.EvalData;
using Workflows.Steps.Evaluate.Metrics;

namespace Workflows.Steps.Evaluate.Scoring;

/// <summary>Multiple choice by log-likelihood, as lm-evaluation-harness scores it: the context is the filled
/// template, each continuation is delimiter + choice; the continuation's tokens are those of
/// encode(context + continuation) past encode(context), and its log-likelihood is summed over them.</summary>
internal static class ChoiceScorer
{
    public const int SampleCount = 5;

    public static TaskScores Score(ModelUnderTest model, IReadOnlyList<EvalExample> items, EvalTaskOptions task, Action<int> progress, CancellationToken ct)
    {
        // Every continuation of every item first, so they can be scored batch_size per forward.
        var scoredItems = new List<(EvalExample Item, IReadOnlyList<string> Choices, int Gold, string Context, int Index)>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var choices = item.Choices ?? task.Choices;
            if (Gold(item.Label, choices) is not { } gold) continue;
            scoredItems.Add((item, choices, gold, PromptTemplate.Fill(task.PromptTemplate, item.Prompt), i));
        }

        // Tokenised on the CPU workers too (the tokenizers are safe to share; each item's ids land in its own slot).
        var requests = new IReadOnlyList<(IReadOnlyList<int> Ids, int Scored)>[scoredItems.Count];
        var slices = Enumerable.Range(0, scoredItems.Count).Chunk(64).ToArray();
        InferenceWorkers.Run(slices.Length, InferenceWorkers.For(model.Model.Device), k =>
        {
            foreach (var i in slices[k])
                requests[i] = Requests(model, scoredItems[i].Context, [.. scoredItems[i].Choices.Select(c => task.TargetDelimiter + c)]);
        }, ct);

        // The choices of an item share its context, which goes through the model once.
        var likelihoods = SequenceLogLikelihood.ScoreGroups(model.Model, requests, task.BatchSize, ct, done => progress(scoredItems[done - 1].Index + 1));
        double acc = 0, accNorm = 0;
        var samples = new List<ScoredItem>();
        foreach (var ((item, choices, gold, context, _), lls) in scoredItems.Zip(likelihoods))
        {
            acc += ChoiceAccuracy.Acc(lls, gold);
            accNorm += ChoiceAccuracy.AccNorm(lls, choices, gold);
            if (samples.Count < SampleCount)
                samples.Add(new ScoredItem(item.Id, context, choices[gold], choices[ChoiceAccuracy.ArgMax(lls)], ChoiceAccuracy.Acc(lls, gold)));
        }
        var scored = scoredItems.Count;
        return new TaskScores(new Dictionary<string, double>
        {
            ["acc"] = scored == 0 ? double.NaN : acc / scored,
            ["acc_norm"] = scored == 0 ? double.NaN : accNorm / scored,
            [TaskMetrics.Items] = scored,
        }, samples);
    }

    /// <summary>The gold choice: a 0-based index, or the position of a choice equal to the label (ignoring case).</summary>
    public static int? Gold(string? label, IReadOnlyList<string> choices)
    {
        if (label is null || choices.Count < 2) return null;
        if (int.TryParse(label.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var index))
            return index >= 0 && index < choices.Count ? index : null;
        var match = choices.Select((c, i) => (c, i)).FirstOrDefault(x => string.Equals(x.c.Trim(), label.Trim(), StringComparison.OrdinalIgnoreCase));
        return match.c is null ? null : match.i;
    }

    // For each continuation, the ids of context + continuation and how many of them are the continuation's.
    private static IReadOnlyList<(IReadOnlyList<int> Ids, int Scored)> Requests(ModelUnderTest model, string context, IReadOnlyList<string> continuations) =>
        [.. ContinuationIds.Encode(model.Tokenizer, context, continuations).Select(c => (c.Ids, c.Scored))];
}
