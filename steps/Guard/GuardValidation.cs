using Workflows.Engine.Steps;
using Workflows.Steps.EvalData;
using Workflows.Steps.Evaluate.Metrics;
using Workflows.Steps.Guard.GuardModel;

namespace Workflows.Steps.Guard;

/// <summary>The cross-field checks of <see cref="GuardOptions"/>, all reported at once.</summary>
internal static class GuardValidation
{
    public static IEnumerable<OptionError> Check(GuardOptions options)
    {
        if (options.Prompts is null && options.Scan is null) yield return new("prompts", "nothing to check", "set prompts:, scan: or both");
        if (options.Prompts is not null && options.Model is null) yield return new("model", "prompts: need a model to answer them", "add model:");
        if (options.Adapter is not null && options.Model is null) yield return new("adapter", "an adapter needs its base model", "add model:");
        if (options.GuardModel is not null && options.Prompts is null) yield return new("guard_model", "judges replies to prompts:, which are not set");
        if (PromptTemplate.Check(options.PromptTemplate) is { } template) yield return new("prompt_template", template);
        if (options.ChatTemplate is { } chat && chat != "auto" && !Workflows.Torch.Chat.ChatTemplate.BuiltInNames.Contains(chat))
            yield return new("chat_template", $"unknown chat template '{chat}'", $"use auto or one of {string.Join(", ", Workflows.Torch.Chat.ChatTemplate.BuiltInNames)}");
        if (options.GuardModel is { } guard)
        {
            if (guard.Categories.Count == 0) yield return new("guard_model.categories", "needs at least one category");
            foreach (var code in guard.Categories.Where(c => !SafetyTaxonomy.Categories.ContainsKey(c)))
                yield return new("guard_model.categories", $"unknown category '{code}'", "use codes S1 to S14 (Llama Guard 3)");
        }
        foreach (var (name, list) in options.Blocklists)
        {
            if (GuardCategories.Reserved.Contains(name) || name.Contains('.'))
                yield return new($"blocklists.{name}", "is a built-in category name or contains '.'", "choose another name");
            if (list.Words.Count == 0 && list.Patterns.Count == 0) yield return new($"blocklists.{name}", "set words:, patterns: or both");
            foreach (var pattern in list.Patterns)
                if (AnswerExtractor.Check(pattern) is { } error) yield return new($"blocklists.{name}.patterns", $"'{pattern}' {error}");
        }
        var known = GuardCategories.Known(options).ToHashSet();
        foreach (var key in options.Thresholds.Keys.Where(k => !known.Contains(k)))
            yield return new($"thresholds.{key}", $"unknown category; known here: {string.Join(", ", known.Order())}");
    }
}
