using Workflows.Steps.Train;
using Workflows.Torch.Gguf;

namespace Workflows.Steps.Package;

/// <summary>The GGUF files of a package (YAML <c>gguf:</c>), written when <c>formats</c> holds <c>gguf</c>.</summary>
public sealed record GgufPackageOptions
{
    /// <summary>One GGUF file per type: <c>f32</c>, <c>f16</c>, <c>q8_0</c>, <c>q4_0</c>. 1-D weights stay f32;
    /// rows that are not whole 32-value blocks fall back to f16 (as llama.cpp's quantiser does).
    /// Default [q8_0]. The first one is the Modelfile's <c>FROM</c>.</summary>
    public List<GgufTensorType> Types { get; init; } = [GgufTensorType.Q8_0];

    /// <summary>The prompt template the model was trained with (<c>alpaca</c>, <c>alpaca_short</c>, <c>chatml</c> or <c>plain</c>):
    /// written as the GGUF chat template, the Modelfile's <c>TEMPLATE</c> and <c>tokenizer_config.json</c>'s
    /// <c>chat_template</c>. Default: none (the base's <c>tokenizer_config.json</c> chat template when it has one).</summary>
    public PromptTemplate? Template { get; init; }
}
