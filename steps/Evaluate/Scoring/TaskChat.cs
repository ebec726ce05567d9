using Workflows.Torch.Chat;

namespace Workflows.Steps.Evaluate.Scoring;

/// <summary>The chat template a task writes its items in (<c>chat_template</c>), loaded for one model:
/// <c>auto</c> reads the adapter's own template (the train step ships it) or the base's.</summary>
internal static class TaskChat
{
    /// <exception cref="InvalidDataException">The template does not load for this model.</exception>
    public static ChatTemplate? For(EvalTaskOptions task, ModelUnderTest model)
    {
        if (task.ChatTemplate is not { } name) return null;
        try
        {
            return ChatTemplate.Load(name, model.TemplateHome ?? model.Source, model.Tokenizer);
        }
        catch (Workflows.Torch.ModelLoadException e)
        {
            throw new InvalidDataException($"{model.Name}: chat_template: {e.Message}", e);
        }
    }
}
