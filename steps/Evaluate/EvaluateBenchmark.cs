using System.Diagnostics;
using Workflows.Steps.EvalData;
using Workflows.Steps.Ingest;

namespace Workflows.Steps.Evaluate;

/// <summary>Measures evaluate throughput (<c>wf bench evaluate</c>; figures in BENCHMARKS.md): SST-2 dev as a two-choice
/// log-likelihood task and GSM8K test by greedy generation, each through the real step, after a warm-up that loads the model.</summary>
public static class EvaluateBenchmark
{
    /// <param name="model">Model folder (stories260K).</param>
    /// <param name="sharedData">The <c>../shared/data</c> folder.</param>
    /// <param name="choiceItems">SST-2 sentences to score.</param>
    /// <param name="generationItems">GSM8K questions to answer.</param>
    /// <param name="maxNewTokens">Most tokens per GSM8K answer.</param>
    /// <param name="workDirectory">Scratch folder for reports.</param>
    /// <param name="batchSize">Both tasks' <see cref="EvalTaskOptions.BatchSize"/>.</param>
    public static async Task<EvaluateBenchmarkResult> RunAsync(string model, string sharedData, int choiceItems, int generationItems,
        int maxNewTokens, string workDirectory, CancellationToken ct = default, int batchSize = 16)
    {
        var sst2 = new EvalTaskOptions
        {
            Type = EvalTaskType.MultipleChoice, Dataset = Path.Combine(sharedData, "sst2", "dev.tsv"),
            Fields = new FieldMapping { Prompt = "sentence" }, Choices = ["negative", "positive"],
            PromptTemplate = "{prompt}\nQuestion: Is this sentence positive or negative?\nAnswer:", BatchSize = batchSize,
        };
        var gsm8k = new EvalTaskOptions
        {
            Type = EvalTaskType.Generation, Dataset = Path.Combine(sharedData, "gsm8k", "test.jsonl"),
            Fields = new FieldMapping { Prompt = "question" }, PromptTemplate = "Question: {prompt}\nAnswer:",
            ReferencePattern = @"#### (\-?[0-9\.\,]+)", AnswerPattern = @"#### (\-?[0-9\.\,]+)", MaxNewTokens = maxNewTokens, StopStrings = ["Question:"],
            BatchSize = batchSize,
        };
        await TimeAsync(model, "warmup", sst2 with { Limit = 2 }, workDirectory, ct);
        var choice = await TimeAsync(model, "sst2", sst2 with { Limit = choiceItems }, workDirectory, ct);
        var generation = await TimeAsync(model, "gsm8k", gsm8k with { Limit = generationItems }, workDirectory, ct);
        return new EvaluateBenchmarkResult(choiceItems, choice, generationItems, generation);
    }

    private static async Task<double> TimeAsync(string model, string name, EvalTaskOptions task, string workDirectory, CancellationToken ct)
    {
        var context = new BenchmarkStepContext(Directory.CreateDirectory(Path.Combine(workDirectory, name)).FullName);
        var clock = Stopwatch.StartNew();
        var result = await new EvaluateStep().RunAsync(new EvaluateOptions { Model = model, Tasks = new() { [name] = task } }, context, ct);
        clock.Stop();
        if (!result.Success) throw new InvalidOperationException($"benchmark evaluate failed: {result.Error}");
        return clock.Elapsed.TotalSeconds;
    }
}
