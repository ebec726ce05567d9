namespace Workflows.Torch.Gguf;

/// <summary>What a GGUF file is written with.</summary>
/// <param name="Type">Storage type of the 2-D weights (1-D norms always stay f32).</param>
/// <param name="Name">The model's name (<c>general.name</c>).</param>
/// <param name="ChatTemplate">Jinja chat template (<c>tokenizer.chat_template</c>), or null for none.</param>
public sealed record GgufExportOptions(GgufTensorType Type, string Name, string? ChatTemplate = null);
