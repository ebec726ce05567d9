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
        // Both answers of every pair first, so they can be scored batch_size per forward.
        var pairs = new List<(EvalExample Item, string Context, int Index)>();
        var requests = new List<IReadOnlyList<(IReadOnlyList<int> Ids, int Scored)>>();
        for (var i = 0; i < items.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var item = items[i];
            var context = PromptTemplate.Fill(task.PromptTemplate, item.Prompt);
            var answers = ContinuationIds.Encode(model.Tokenizer, context, [task.TargetDelimiter + item.Choices![0], task.TargetDelimiter + item.Choices[1]]);
            var chosen = Fitted(model, answers[0]);
            var rejected = Fitted(model, answers[1]);
            if (chosen is null || rejected is null) continue;                   // the prompt alone fills the context
            if (chosen.Value.Ids.SequenceEqual(rejected.Value.Ids)) continue;   // the answers differ only past the context
            pairs.Add((item, context, i));
            requests.Add([chosen.Value, rejected.Value]);
        }

        // The two answers of a pair share its prompt, which goes through the model once.
        var likelihoods = SequenceLogLikelihood.ScoreGroups(model.Model, requests, task.BatchSize, ct, done => progress(pairs[done - 1].Index + 1));
        double correct = 0, correctNorm = 0, margin = 0, marginNorm = 0;
        var samples = new List<ScoredItem>();
        var scoredPairs = 0;
        foreach (var ((item, context, _), (pair, lls)) in pairs.Zip(requests.Zip(likelihoods)))
        {
            var (chosen, rejected) = ((Sum: lls[0], Tokens: pair[0].Scored), (Sum: lls[1], Tokens: pair[1].Scored));
            scoredPairs++;
            var (sum, perToken) = (chosen.Sum - rejected.Sum, (chosen.Sum / chosen.Tokens) - (rejected.Sum / rejected.Tokens));
            correct += sum > 0 ? 1 : 0;
            correctNorm += perToken > 0 ? 1 : 0;
            margin += sum;
            marginNorm += perToken;
            if (samples.Count < ChoiceScorer.SampleCount)
                samples.Add(new ScoredItem(item.Id, context, item.Choices![0], sum > 0 ? item.Choices[0] : item.Choices[1], sum > 0 ? 1 : 0));
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
    private static (IReadOnlyList<int> Ids, int Scored)? Fitted(ModelUnderTest model, ContinuationIds answer)
    {
        var fits = Math.Min(answer.Ids.Count, model.Model.Config.MaxPositionEmbeddings + 1);
        if (answer.Ids.Count > fits && answer.ContextTokens >= fits) return null;
        var kept = answer with { Ids = [.. answer.Ids.Take(fits)] };
        return (kept.Ids, kept.Scored);
    }
}
