namespace Workflows.Torch.Gguf;

/// <summary>What a GGUF file is written with.</summary>
/// <param name="Type">Storage type of the 2-D weights (1-D norms always stay f32).</param>
/// <param name="Name">The model's name (<c>general.name</c>).</param>
/// <param name="ChatTemplate">Jinja chat template (<c>tokenizer.chat_template</c>), or null for none.</param>
/// <param name="EndOfTurnId">The template's end-of-turn token (<c>tokenizer.ggml.eot_token_id</c>, where llama.cpp's chat stops), or null.</param>
public sealed record GgufExportOptions(GgufTensorType Type, string Name, string? ChatTemplate = null, int? EndOfTurnId = null);
