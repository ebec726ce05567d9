using Workflows.Steps.EvalData;

namespace Workflows.Steps.Evaluate.Scoring;

/// <summary>Preference accuracy on held-out pairs: the chosen and the rejected answer are each scored after the
/// filled prompt (delimiter + answer, tokenised as multiple choice does); a pair counts when the chosen one is the
/// more likely, summed over its tokens (<c>accuracy</c>) or per token (<c>accuracy_norm</c>, the length-normalised
/// comparison SimPO optimises). The margins are the mean differences of those log-likelihoods. Answers past the
/// model's context are scored on their first tokens; pairs whose prompt fills the context, or whose answers are the
/// same tokens within it, are not counted.</summary>
internal static class PreferenceScorer
{
    public static TaskScores Score(ModelUnderTest model, IReadOnlyList<EvalExample> items, EvalTaskOptions task, Action<int> progress, CancellationToken ct)
    {
        double correct = 0, correctNorm = 0, margin = 0, marginNorm = 0;
        var samples = new List<ScoredItem>();
        var scoredPairs = 0;
        for (var i = 0; i < items.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var item = items[i];
            var context = PromptTemplate.Fill(task.PromptTemplate, item.Prompt);
            var chosenIds = Tokens(model, context, task.TargetDelimiter + item.Choices![0]);
            var rejectedIds = Tokens(model, context, task.TargetDelimiter + item.Choices[1]);
            progress(i + 1);
            if (chosenIds is null || rejectedIds is null) continue;              // the prompt alone fills the context
            if (chosenIds.Value.Ids.SequenceEqual(rejectedIds.Value.Ids)) continue;   // the answers differ only past the context
            var (chosen, rejected) = (Score(model, chosenIds.Value), Score(model, rejectedIds.Value));
            scoredPairs++;
            var (sum, perToken) = (chosen.Sum - rejected.Sum, (chosen.Sum / chosen.Tokens) - (rejected.Sum / rejected.Tokens));
            correct += sum > 0 ? 1 : 0;
            correctNorm += perToken > 0 ? 1 : 0;
            margin += sum;
            marginNorm += perToken;
            if (samples.Count < ChoiceScorer.SampleCount)
                samples.Add(new ScoredItem(item.Id, context, item.Choices[0], sum > 0 ? item.Choices[0] : item.Choices[1], sum > 0 ? 1 : 0));
        }

        double Mean(double total) => scoredPairs == 0 ? double.NaN : total / scoredPairs;
        return new TaskScores(new Dictionary<string, double>
        {
            ["accuracy"] = Mean(correct),
            ["accuracy_norm"] = Mean(correctNorm),
            ["margin"] = Mean(margin),
            ["margin_norm"] = Mean(marginNorm),
            [TaskMetrics.Items] = scoredPairs,
        }, samples);
    }

    // An answer longer than the context is scored on its first tokens, as training truncates it; null when the
    // prompt leaves no room for any answer token.
    private static (IReadOnlyList<int> Ids, int Scored)? Tokens(ModelUnderTest model, string context, string continuation)
    {
        var trimmed = context.TrimEnd(' ');                                    // as multiple choice: trailing spaces go to the answer
        continuation = context[trimmed.Length..] + continuation;
        var contextIds = model.Tokenizer.Encode(trimmed, addBos: true);
        var wholeIds = model.Tokenizer.Encode(trimmed + continuation, addBos: true);
        var fits = Math.Min(wholeIds.Count, model.Model.Config.MaxPositionEmbeddings + 1);
        if (wholeIds.Count > fits && contextIds.Count >= fits) return null;
        return ([.. wholeIds.Take(fits)], Math.Max(1, fits - contextIds.Count));
    }

    private static (double Sum, int Tokens) Score(ModelUnderTest model, (IReadOnlyList<int> Ids, int Scored) tokens) =>
        (SequenceLogLikelihood.Score(model.Model, tokens.Ids, tokens.Scored).LogLikelihood, tokens.Scored);
}
