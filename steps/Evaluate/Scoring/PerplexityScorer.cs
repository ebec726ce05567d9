using Workflows.Steps.EvalData;
using ExampleTokeniser = Workflows.Steps.Train.ExampleTokeniser;
using TextSegment = Workflows.Steps.Train.TextSegment;
using Workflows.Torch.Chat;
using Workflows.Torch.Engine;
using Workflows.Torch.Evaluation;

namespace Workflows.Steps.Evaluate.Scoring;

/// <summary>Mean next-token loss and perplexity. Whole texts go through the model runtime's own
/// <see cref="LanguageModelLoss.Evaluate"/> (so numbers match its pinned test); prompt + target items are scored
/// on the target tokens only, tokenised exactly as the train step does (<see cref="ExampleTokeniser"/>: prompt and
/// target encoded as one text, so no extra leading space before the target, and EOS after it), so evaluating a
/// validation split with the training template's prompt gives the train step's <c>val_loss</c>; with
/// <c>chat_template</c>, the same template the train step used gives it too.</summary>
internal static class PerplexityScorer
{
    public static TaskScores Score(ModelUnderTest model, IReadOnlyList<EvalExample> items, EvalTaskOptions task, Action<int> progress, CancellationToken ct)
    {
        // Prompt + target items are scored batch_size per forward; whole texts (cut into context windows) one by one.
        var requests = new List<(IReadOnlyList<int> Ids, int Scored)>();
        var plan = new List<(int Request, string? Text)>();
        var chat = TaskChat.For(task, model);
        foreach (var item in items)
        {
            var promptAndTarget = item.Prompt is not null && !string.IsNullOrEmpty(item.Target);
            var request = promptAndTarget ? Request(model, item, task, chat) : null;
            if (request is { } r) requests.Add(r);
            plan.Add((request is null ? -1 : requests.Count - 1, promptAndTarget ? null : item.Text ?? item.Prompt));
        }

        var likelihoods = SequenceLogLikelihood.ScoreMany(model.Model, requests, task.BatchSize, ct);
        // Whole texts side by side on the CPU workers, each computed alone (so the same bits at any count), summed below in item order.
        var textLosses = new LossSummary?[items.Count];
        InferenceWorkers.Run(items.Count, InferenceWorkers.For(model.Model.Device), i =>
        {
            if (plan[i] is { Request: < 0, Text: { Length: > 0 } text }) textLosses[i] = LanguageModelLoss.Evaluate(model.Model, model.Tokenizer, [text]);
        }, ct);
        double nats = 0;
        long tokens = 0;
        var scored = 0;
        for (var i = 0; i < items.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var request = plan[i].Request;
            var loss = request >= 0 ? new LossSummary(-likelihoods[request], requests[request].Scored) : textLosses[i];
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

    // A prompt + target item's ids and how many of them (the target's and EOS) are scored; null when nothing is.
    private static (IReadOnlyList<int> Ids, int Scored)? Request(ModelUnderTest model, EvalExample item, EvalTaskOptions task, ChatTemplate? chat)
    {
        var prompt = PromptTemplate.Fill(task.PromptTemplate, item.Prompt!);
        // With a chat template the item is a user turn and an assistant turn, scored on the answer and its
        // end-of-turn marker, as the train step renders it.
        IReadOnlyList<TextSegment> segments = chat is null ? [new TextSegment(prompt, false), new TextSegment(item.Target!, true)]
            : chat.Segments([new ChatTurn("user", prompt), new ChatTurn("assistant", item.Target!)]).Select(s => new TextSegment(s.Text, s.Assistant)).ToList();
        var example = ExampleTokeniser.Tokenise(segments, model.Tokenizer, trainOnInputs: false, chat is not null);
        var scored = example.Labels.Count(l => l >= 0);                                 // the target's tokens and EOS, at the end
        if (scored == 0) return null;
        var ids = example.Ids.Select(i => (int)i).ToList();
        var window = model.Model.Config.MaxPositionEmbeddings;
        if (scored > window)                                                             // a target longer than the context is scored on its first window
        {
            ids = ids.Take(ids.Count - scored + window).ToList();
            scored = window;
        }

        return (ids, scored);
    }
}
