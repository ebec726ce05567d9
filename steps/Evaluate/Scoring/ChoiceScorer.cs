using System.Globalization;
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
        double acc = 0, accNorm = 0;
        var scored = 0;
        var samples = new List<ScoredItem>();
        for (var i = 0; i < items.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var item = items[i];
            var choices = item.Choices ?? task.Choices;
            var gold = Gold(item.Label, choices);
            if (gold is null) continue;
            var context = PromptTemplate.Fill(task.PromptTemplate, item.Prompt);
            var lls = choices.Select(c => LogLikelihood(model, context, task.TargetDelimiter + c)).ToList();
            acc += ChoiceAccuracy.Acc(lls, gold.Value);
            accNorm += ChoiceAccuracy.AccNorm(lls, choices, gold.Value);
            scored++;
            if (samples.Count < SampleCount)
                samples.Add(new ScoredItem(item.Id, context, choices[gold.Value], choices[ChoiceAccuracy.ArgMax(lls)], ChoiceAccuracy.Acc(lls, gold.Value)));
            progress(i + 1);
        }
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

    private static double LogLikelihood(ModelUnderTest model, string context, string continuation)
    {
        // lm-evaluation-harness moves trailing spaces of the context onto the continuation.
        var trimmed = context.TrimEnd(' ');
        continuation = context[trimmed.Length..] + continuation;
        var contextIds = model.Tokenizer.Encode(trimmed, addBos: true);
        var wholeIds = model.Tokenizer.Encode(trimmed + continuation, addBos: true);
        var scored = Math.Max(1, wholeIds.Count - contextIds.Count);
        return SequenceLogLikelihood.Score(model.Model, wholeIds, scored).LogLikelihood;
    }
}
