using Workflows.Steps.EvalData;
using Workflows.Torch.Evaluation;

namespace Workflows.Steps.Evaluate.Scoring;

/// <summary>Mean next-token loss and perplexity. Whole texts go through the model runtime's own
/// <see cref="LanguageModelLoss.Evaluate"/> (so numbers match its pinned test); prompt + target items are scored
/// on the target tokens only, the prompt (BOS + template) encoded on its own and the target appended.</summary>
internal static class PerplexityScorer
{
    public static TaskScores Score(ModelUnderTest model, IReadOnlyList<EvalExample> items, EvalTaskOptions task, Action<int> progress, CancellationToken ct)
    {
        double nats = 0;
        long tokens = 0;
        var scored = 0;
        for (var i = 0; i < items.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var loss = Loss(model, items[i], task);
            if (loss is null) continue;
            nats += loss.TotalNats;
            tokens += loss.TokenCount;
            scored++;
            progress(i + 1);
        }
        var summary = new LossSummary(nats, tokens);
        return new TaskScores(new Dictionary<string, double>
        {
            ["loss"] = summary.MeanLoss, ["perplexity"] = summary.Perplexity, ["tokens"] = tokens, [TaskMetrics.Items] = scored,
        }, []);
    }

    private static LossSummary? Loss(ModelUnderTest model, EvalExample item, EvalTaskOptions task)
    {
        if (item.Prompt is not null && !string.IsNullOrEmpty(item.Target))
        {
            var prompt = model.Tokenizer.Encode(PromptTemplate.Fill(task.PromptTemplate, item.Prompt), addBos: true);
            var target = model.Tokenizer.Encode(item.Target, addBos: false);
            if (target.Count == 0) return null;
            var window = model.Model.Config.MaxPositionEmbeddings;
            var kept = target.Take(window).ToList();    // a target longer than the context is scored on its first window
            return SequenceLogLikelihood.Loss(model.Model, [.. prompt, .. kept], kept.Count);
        }
        var text = item.Text ?? item.Prompt;
        return string.IsNullOrEmpty(text) ? null : LanguageModelLoss.Evaluate(model.Model, model.Tokenizer, [text]);
    }
}
