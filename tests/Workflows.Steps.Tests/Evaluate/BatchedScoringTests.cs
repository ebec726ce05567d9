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
        };
        var one = await Run(tasks.ToDictionary(t => t.Key, t => t.Value with { BatchSize = 1 }));
        var sixteen = await Run(tasks.ToDictionary(t => t.Key, t => t.Value with { BatchSize = 16 }));
        Assert.That(sixteen.Metrics.Keys, Is.EquivalentTo(one.Metrics.Keys));
        foreach (var (name, value) in one.Metrics)
        {
            var tolerance = name.StartsWith("ppl.", StringComparison.Ordinal) ? Math.Abs(value) * 1e-6 : 0;
            Assert.That(sixteen.Metrics[name], Is.EqualTo(value).Within(tolerance), name);
        }

        Assert.That(sixteen.Report, Is.EqualTo(one.Report), "the report, sample answers included");
        Assert.That(one.Report, Does.Contain("| gen | exact_match | 20 |"));
    }

    private static async Task<(IReadOnlyDictionary<string, double> Metrics, string Report)> Run(Dictionary<string, EvalTaskOptions> tasks)
    {
        using var context = new TestStepContext();
        var result = await new EvaluateStep().RunAsync(new EvaluateOptions { Model = TempWorkflow.Model, Tasks = tasks }, context, CancellationToken.None);
        Assert.That(result.Error, Is.Null);
        var report = File.ReadAllText(Path.Combine(context.Outputs["report"], "report.md"));
        // Everything but perplexity's rows, whose last printed digit may differ (compared above within rounding).
        return (result.Metrics, string.Join("\n", report.Split('\n').Where(l => !l.StartsWith("| ppl |", StringComparison.Ordinal))));
    }
}
