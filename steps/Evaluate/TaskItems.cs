using Workflows.Engine.Steps;
using Workflows.Steps.EvalData;

namespace Workflows.Steps.Evaluate;

/// <summary>Reads and samples every task's items before any model is loaded, so a bad file fails fast.</summary>
internal static class TaskItems
{
    public static async Task<(Dictionary<string, List<EvalExample>> Items, List<string> Errors)> LoadAsync(
        EvaluateOptions options, IStepContext context, CancellationToken ct)
    {
        var items = new Dictionary<string, List<EvalExample>>();
        var errors = new List<string>();
        foreach (var (name, task) in options.Tasks)
        {
            var set = await ExampleReader.ReadAsync(context.ResolvePath(task.Dataset), task.Dataset, task.Fields, context.TempDirectory, ct);
            if (set.Error is not null)
            {
                errors.Add($"tasks.{name}.dataset: {set.Error}");
                continue;
            }
            var chosen = ExampleSampler.Take(set.Examples, task.Limit, task.Sample, options.Seed);
            if (chosen.Count == 0) errors.Add($"tasks.{name}: '{task.Dataset}' has no items; check dataset: and fields:");
            else if (task.Type == EvalTaskType.MultipleChoice && task.Choices.Count == 0 && chosen.Any(e => e.Choices is null))
                errors.Add($"tasks.{name}.choices: items carry no '{task.Fields.Choices}' field; list the choices (e.g. [negative, positive])");
            else if (task.Type == EvalTaskType.Preference && chosen.Any(e => e.Choices is not { Count: 2 }))
                errors.Add($"tasks.{name}.dataset: type preference needs pairs: a preference dataset (chosen, rejected), or items whose '{task.Fields.Choices}' field is [chosen, rejected]");
            if (set.Skipped > 0) context.Log($"tasks.{name}: skipped {set.Skipped} unreadable records in '{task.Dataset}'", StepLogLevel.Warning);
            context.Log($"tasks.{name}: {chosen.Count} of {set.Examples.Count} items ({(task.Sample ? $"seeded sample, seed {options.Seed}" : "first items")})");
            items[name] = chosen;
        }
        return (items, errors);
    }
}
