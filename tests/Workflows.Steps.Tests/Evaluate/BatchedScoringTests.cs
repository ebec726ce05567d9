using Workflows.Steps.EvalData;
using Workflows.Steps.Evaluate;
using Workflows.Steps.Evaluate.Scoring;
using Workflows.Steps.Tests.TestSupport;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;

namespace Workflows.Steps.Tests.Evaluate;

/// <summary>Evaluate's batch_size: batched tasks give what one item at a time gives, on stories260K and real data.</summary>
[TestFixture]
public sealed class BatchedScoringTests
{
    [Test]
    public void ScoreMany_MixedLengthsAndOneLongerThanTheContext_EqualsScoringEachAlone()
    {
        using var model = LlamaLoader.Load(TempWorkflow.Model);
        var tokenizer = TokenizerLoader.ForModel(TempWorkflow.Model, model.Config);
        var texts = File.ReadLines(Path.Combine(RepoPaths.SharedData, "tinystories", "TinyStories-valid.txt")).Take(6)
            .Select((t, i) => t[..Math.Min(t.Length, 40 + (i * 90))]).Append(string.Join(" ", Enumerable.Repeat("Once upon a time there was a dog.", 60))).ToList();
        var requests = texts.Select((t, i) => ((IReadOnlyList<int>)tokenizer.Encode(t, addBos: true), 1 + (i % 4))).ToList();
        Assert.That(requests[^1].Item1.Count, Is.GreaterThan(model.Config.MaxPositionEmbeddings + 1), "one sequence must be cut to the context");
        var batched = SequenceLogLikelihood.ScoreMany(model, requests, batchSize: 4, CancellationToken.None);
        for (var i = 0; i < requests.Count; i++)
        {
            var alone = SequenceLogLikelihood.Score(model, requests[i].Item1, requests[i].Item2);
            Assert.That(batched[i], Is.EqualTo(alone).Within(1e-4), $"request {i}");
        }
    }

    [Test]
    public void ScoreGroups_SharedContextsContinuedByChoicesOfEveryLength_EqualScoringEachAlone()
    {
        using var model = LlamaLoader.Load(TempWorkflow.Model);
        var tokenizer = TokenizerLoader.ForModel(TempWorkflow.Model, model.Config);
        var stories = File.ReadLines(Path.Combine(RepoPaths.SharedData, "tinystories", "TinyStories-valid.txt")).Take(5).ToList();
        (IReadOnlyList<int>, int) Choice(string context, string choice, bool bos = true)
        {
            var whole = tokenizer.Encode(context + choice, addBos: bos);
            return (whole, Math.Max(1, whole.Count - tokenizer.Encode(context, addBos: bos).Count));
        }

        var longStory = string.Join(" ", Enumerable.Repeat("Once upon a time there was a dog.", 60));
        IReadOnlyList<IReadOnlyList<(IReadOnlyList<int> Ids, int Scored)>> groups =
        [
            [Choice(stories[0][..60], " a"), Choice(stories[0][..60], " a big red ball"), Choice(stories[0][..60], " the end")],   // one choice starts another
            [Choice(stories[1][..200], " yes"), Choice(stories[1][..200], " no")],
            [Choice(stories[2][..30], " happy")],                                                                        // alone: the whole sequence is the context
            [Choice("Tom", " ran", bos: false), Choice("Sue", " sat", bos: false)],                                      // no token in common
            [Choice(longStory, " The end."), Choice(longStory, " Then it rained all day long.")],                        // longer than the context
            [Choice(stories[3][..120], " and they played together in the park until the sun went down"), Choice(stories[3][..120], ".")],
        ];
        Assert.That(groups[4][0].Ids.Count, Is.GreaterThan(model.Config.MaxPositionEmbeddings + 1), "one group must be cut to the context");
        var batched = SequenceLogLikelihood.ScoreGroups(model, groups, batchSize: 3, CancellationToken.None, workers: 1);
        Assert.That(SequenceLogLikelihood.ScoreGroups(model, groups, batchSize: 2, CancellationToken.None, workers: 3).SelectMany(g => g),
            Is.EqualTo(SequenceLogLikelihood.ScoreGroups(model, groups, batchSize: 2, CancellationToken.None, workers: 1).SelectMany(g => g)),
            "batches on three workers: the same bits as on one");
        Assert.That(batched.Select(g => g.Count), Is.EqualTo(groups.Select(g => g.Count)));
        for (var g = 0; g < groups.Count; g++)
        {
            for (var i = 0; i < groups[g].Count; i++)
            {
                var alone = SequenceLogLikelihood.Score(model, groups[g][i].Ids, groups[g][i].Scored);
                Assert.That(batched[g][i], Is.EqualTo(alone).Within(1e-4), $"group {g}, request {i}");
            }
        }
    }

    [Test]
    public void SharedContext_LongestCommonStartOfTheInputs_OrOneContextPerSequenceWhenNoneIsShared()
    {
        (long[], long[]) Sequence(params long[] input) => (input, [99]);
        var contexts = SharedContext.Of(
        [
            [Sequence(1, 2, 3, 4), Sequence(1, 2, 5), Sequence(1, 2, 3)],
            [Sequence(7, 8)],
            [Sequence(4, 5), Sequence(6, 5)],
            [Sequence(1, 2), Sequence(1, 2)],
        ]);
        Assert.That(contexts.Select(c => (c.Group, c.Length, c.Members.Count)),
            Is.EqualTo(new[] { (0, 2, 3), (1, 2, 1), (2, 2, 1), (2, 2, 1), (3, 2, 2) }));
        Assert.That(contexts[3].Members[0].Index, Is.EqualTo(1), "a sequence keeps its place in its group");
        Assert.That(new ScoredSequence(0, [1, 2, 3, 4, 5], [3, 4, 5, 6]).Scored(0, 3), Is.EqualTo(new[] { (1, 0, 3L), (2, 1, 4L) }),
            "positions 1..4 predict the four targets; those before 3 are in the context");
    }

    [Test]
    public async Task Run_BatchSize16AndOne_GiveTheSameAnswersAndScores()
    {
        var gsm8k = Path.Combine(RepoPaths.SharedData, "gsm8k", "test.jsonl");
        var tasks = new Dictionary<string, EvalTaskOptions>
        {
            ["gen"] = new()
            {
                Type = EvalTaskType.Generation, Dataset = gsm8k, Fields = new FieldMapping { Prompt = "question" }, Limit = 20,
                PromptTemplate = "Question: {prompt}\nAnswer:", MaxNewTokens = 24, StopStrings = ["Question:", "."],
            },
            ["mc"] = new()
            {
                Type = EvalTaskType.MultipleChoice, Dataset = Path.Combine(RepoPaths.SharedData, "sst2", "dev.tsv"), Limit = 24,
                Fields = new FieldMapping { Prompt = "sentence" }, Choices = ["negative", "positive"],
                PromptTemplate = "{prompt}\nQuestion: Is this sentence positive or negative?\nAnswer:",
            },
            ["ppl"] = new() { Type = EvalTaskType.Perplexity, Dataset = gsm8k, Fields = new FieldMapping { Prompt = "question" }, Limit = 12 },
            ["pref"] = new() { Type = EvalTaskType.Preference, Dataset = StoryPairs(), TargetDelimiter = "" },
        };
        var one = await Run(tasks.ToDictionary(t => t.Key, t => t.Value with { BatchSize = 1 }));
        var sixteen = await Run(tasks.ToDictionary(t => t.Key, t => t.Value with { BatchSize = 16 }));
        Assert.That(sixteen.Metrics.Keys, Is.EquivalentTo(one.Metrics.Keys));
        foreach (var (name, value) in one.Metrics)
        {
            var tolerance = name.StartsWith("ppl.", StringComparison.Ordinal) || name.StartsWith("pref.margin", StringComparison.Ordinal) ? Math.Abs(value) * 1e-6 : 0;
            Assert.That(sixteen.Metrics[name], Is.EqualTo(value).Within(tolerance), name);
        }

        Assert.That(sixteen.Report, Is.EqualTo(one.Report), "the report, sample answers included");
        Assert.That(one.Report, Does.Contain("| gen | exact_match | 20 |"));
    }

    [Test]
    public async Task Run_WholeTextPerplexityOnOneAndThreeWorkers_TheSameBits()
    {
        var task = new EvalTaskOptions
        {
            Type = EvalTaskType.Perplexity, Dataset = Path.Combine(RepoPaths.SharedData, "gsm8k", "test.jsonl"), Fields = new FieldMapping { Prompt = "question" }, Limit = 12,
        };
        var before = Environment.GetEnvironmentVariable(Workflows.Torch.Engine.InferenceWorkers.Variable);
        try
        {
            Environment.SetEnvironmentVariable(Workflows.Torch.Engine.InferenceWorkers.Variable, "1");
            var one = await Run(new Dictionary<string, EvalTaskOptions> { ["ppl"] = task });
            Environment.SetEnvironmentVariable(Workflows.Torch.Engine.InferenceWorkers.Variable, "3");
            var three = await Run(new Dictionary<string, EvalTaskOptions> { ["ppl"] = task });
            Assert.That(three.Metrics, Is.EqualTo(one.Metrics), "loss, perplexity and tokens, exactly");
            Assert.That(one.Metrics["ppl.items"], Is.EqualTo(12));
        }
        finally
        {
            Environment.SetEnvironmentVariable(Workflows.Torch.Engine.InferenceWorkers.Variable, before);
        }
    }

    // Twelve pairs: a story's opening, its own next words against another story's.
    private static string StoryPairs()
    {
        var stories = File.ReadLines(Path.Combine(RepoPaths.SharedData, "tinystories", "TinyStories-valid.txt")).Where(t => t.Length > 160).Take(13).ToList();
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"story-pairs-{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(path, stories.Take(12).Select((t, i) => System.Text.Json.JsonSerializer.Serialize(
            new { prompt = t[..100], choices = new[] { t[100..160], stories[i + 1][100..160] } })));
        return path;
    }

    private static async Task<(IReadOnlyDictionary<string, double> Metrics, string Report)> Run(Dictionary<string, EvalTaskOptions> tasks)
    {
        using var context = new TestStepContext();
        var result = await new EvaluateStep().RunAsync(new EvaluateOptions { Model = TempWorkflow.Model, Tasks = tasks }, context, CancellationToken.None);
        Assert.That(result.Error, Is.Null);
        var report = File.ReadAllText(Path.Combine(context.Outputs["report"], "report.md"));
        // Everything but perplexity's rows, whose last printed digit may differ (compared above within rounding).
        return (result.Metrics, string.Join("\n", report.Split('\n').Where(l => !l.StartsWith("| ppl |", StringComparison.Ordinal) && !l.StartsWith("| pref | margin", StringComparison.Ordinal))));
    }
}
