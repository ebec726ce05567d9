namespace Workflows.Steps.EvalData;

/// <summary>Fills a prompt template: <c>{prompt}</c> becomes the item's prompt. Other braces are kept as written,
/// so JSON or maths in a template needs no escaping.</summary>
internal static class PromptTemplate
{
    public const string Placeholder = "{prompt}";

    public static string Fill(string template, string? prompt) => template.Replace(Placeholder, prompt ?? "", StringComparison.Ordinal);

    /// <summary>An error for a template that would ignore the item.</summary>
    public static string? Check(string template) =>
        template.Contains(Placeholder, StringComparison.Ordinal) ? null : $"must contain {Placeholder}, got '{template}'";
}
