namespace Workflows.Steps.Ingest;

/// <summary>A canonical field a source field can fill, with the source names tried when
/// <c>columns:</c> does not name one.</summary>
internal sealed record FieldRole(string Name, string[] Aliases, Func<ColumnMapping, string?> Mapped)
{
    public static readonly FieldRole System = new("system", ["system"], m => m.System);
    public static readonly FieldRole Instruction = new("instruction", ["instruction"], m => m.Instruction);
    public static readonly FieldRole Input = new("input", ["input"], m => m.Input);
    public static readonly FieldRole Output = new("output", ["output"], m => m.Output);
    public static readonly FieldRole Prompt = new("prompt", ["prompt", "question", "query"], m => m.Prompt);
    public static readonly FieldRole Completion = new("completion", ["completion", "answer", "response"], m => m.Completion);
    public static readonly FieldRole Text = new("text", ["text", "content", "sentence", "document"], m => m.Text);
    public static readonly FieldRole Label = new("label", ["label", "kto_tag"], m => m.Label);
    public static readonly FieldRole Messages = new("messages", ["messages", "conversations"], m => m.Messages);
    public static readonly FieldRole Chosen = new("chosen", ["chosen"], m => m.Chosen);
    public static readonly FieldRole Rejected = new("rejected", ["rejected"], m => m.Rejected);
}
