using Workflows.Engine.Steps;
using Workflows.Steps.EvalData;
using Workflows.Steps.Evaluate.Scoring;

namespace Workflows.Steps.Evaluate;

/// <summary>Runs every task on one model.</summary>
internal static class TaskRunner
{
    public static ModelResult Run(ModelUnderTest model, EvaluateOptions options, Dictionary<string, List<EvalExample>> items,
        IStepContext context, (int Done, int Total) position, CancellationToken ct)
    {
        var tasks = new Dictionary<string, TaskScores>();
        foreach (var (name, task) in options.Tasks)
        {
            var list = items[name];
            void Progress(int done) => context.ReportProgress((position.Done + (double)done / list.Count) / position.Total, $"{model.Name}: {name} {done}/{list.Count}");
            var started = DateTime.UtcNow;
            tasks[name] = task.Type switch
            {
                EvalTaskType.Perplexity => PerplexityScorer.Score(model, list, task, Progress, ct),
                EvalTaskType.MultipleChoice => ChoiceScorer.Score(model, list, task, Progress, ct),
                EvalTaskType.Generation => GenerationScorer.Score(model, list, task, Progress, ct),
                EvalTaskType.Preference => PreferenceScorer.Score(model, list, task, Progress, ct),
                _ => throw new ArgumentOutOfRangeException(nameof(options), task.Type, null),
            };
            var seconds = (DateTime.UtcNow - started).TotalSeconds;
            context.Log($"{model.Name}: {name}: " + string.Join(", ", tasks[name].Metrics.Select(m => $"{m.Key} {GateCheck.Format(m.Value)}")) + $" ({seconds:0.0} s)");
            position.Done++;
        }
        return new ModelResult(model.Name, model.Source, tasks, model.Base);
    }
}
