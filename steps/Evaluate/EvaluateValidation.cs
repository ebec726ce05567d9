using Workflows.Engine.Steps;
using Workflows.Steps.EvalData;
using Workflows.Steps.Evaluate.Metrics;

namespace Workflows.Steps.Evaluate;

/// <summary>The cross-field checks of <see cref="EvaluateOptions"/>, all reported at once.</summary>
internal static class EvaluateValidation
{
    public static IEnumerable<OptionError> Check(EvaluateOptions options)
    {
        foreach (var (name, task) in options.Tasks)
        {
            if (name.Contains('.')) yield return new($"tasks.{name}", "a task name cannot contain '.' (gates write TASK.METRIC)");
            if (PromptTemplate.Check(task.PromptTemplate) is { } template) yield return new($"tasks.{name}.prompt_template", template);
            if (AnswerExtractor.Check(task.AnswerPattern) is { } answer) yield return new($"tasks.{name}.answer_pattern", answer);
            if (AnswerExtractor.Check(task.ReferencePattern) is { } reference) yield return new($"tasks.{name}.reference_pattern", reference);
            if (task.ChatTemplate is { } chat && chat != "auto" && !Workflows.Torch.Chat.ChatTemplate.BuiltInNames.Contains(chat))
                yield return new($"tasks.{name}.chat_template", $"unknown chat template '{chat}'", $"use auto or one of {string.Join(", ", Workflows.Torch.Chat.ChatTemplate.BuiltInNames)}");
            if (task.ChatTemplate is not null && task.Type is not (EvalTaskType.Generation or EvalTaskType.Perplexity))
                yield return new($"tasks.{name}.chat_template", "chat_template applies to generation and perplexity tasks", "remove it, or use type: generation or perplexity");
            if (task.Type == EvalTaskType.MultipleChoice && task.Choices.Count == 1)
                yield return new($"tasks.{name}.choices", "needs at least two choices", "list every answer the model chooses between");
        }
        foreach (var (key, gate) in options.Gates)
        {
            if (gate.Min is null && gate.Max is null) yield return new($"gates.{key}", "set min:, max: or both");
            if (gate is { Min: { } min, Max: { } max } && min > max) yield return new($"gates.{key}", $"min ({min:G}) is above max ({max:G})");
            if (!GateCheck.Matches(key, options).Any())
                yield return new($"gates.{key}", $"names no metric of the tasks; known: {string.Join(", ", GateCheck.Known(options))}",
                    "write TASK.METRIC (e.g. tinystories.perplexity) or a metric every matching task reports");
        }
    }
}
