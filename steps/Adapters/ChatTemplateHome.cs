namespace Workflows.Steps.Adapters;

/// <summary>
/// Where a chat template named <c>auto</c> (the checkpoint's own) is read from for a base model with an
/// optional adapter: the adapter's folder when it ships a <c>tokenizer_config.json</c> (the train step
/// writes the template it trained with there, and the tokens it added), else the base model's. Evaluate,
/// guard and <c>wf generate</c> all decide it here, so one adapter is prompted alike everywhere.
/// </summary>
public static class ChatTemplateHome
{
    /// <summary>The tokenizer configuration file the template is read from.</summary>
    public const string ConfigFile = "tokenizer_config.json";

    /// <summary>The folder to load the template from.</summary>
    /// <param name="modelFolder">The base model's folder (or file).</param>
    /// <param name="adapterFolder">The adapter's folder, or null for the base alone.</param>
    public static string Of(string modelFolder, string? adapterFolder) =>
        adapterFolder is not null && File.Exists(Path.Combine(adapterFolder, ConfigFile)) ? adapterFolder : modelFolder;
}
