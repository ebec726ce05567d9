using System.ComponentModel.DataAnnotations;
using Workflows.Engine.Steps;

namespace Workflows.Steps.Package;

/// <summary>Options of the <c>package</c> step. Give exactly one of <see cref="Model"/> and <see cref="Adapter"/>.</summary>
public sealed record PackageOptions : IValidatableOptions
{
    /// <summary>A full model to package as a Hugging Face folder (a merge or train output, or an HF folder). Default: none.</summary>
    [Input(ArtifactKind.Model)]
    public string? Model { get; init; }

    /// <summary>An adapter to package as a PEFT folder. Default: none.</summary>
    [Input(ArtifactKind.Adapter)]
    public string? Adapter { get; init; }

    /// <summary>The base model of <see cref="Adapter"/>: the smoke test applies the adapter to it.
    /// Default: none (the adapter's tensors are then only checked for NaN/Inf).</summary>
    [Input(ArtifactKind.Model)]
    public string? BaseModel { get; init; }

    /// <summary>Formats to write: <c>hf</c> (a Hugging Face or PEFT folder) and/or <c>gguf</c> (llama.cpp/Ollama
    /// files, full models only). Default [hf]; a single value may be written without brackets.</summary>
    public List<PackageFormat> Formats { get; init; } = [PackageFormat.Hf];

    /// <summary>The GGUF files (types, chat template) when <see cref="Formats"/> holds <c>gguf</c>. Default: one q8_0 file, no template.</summary>
    public GgufPackageOptions Gguf { get; init; } = new();

    /// <summary>Dtype of the packaged weights. Default <c>fp32</c>; <c>bf16</c> or <c>fp16</c> halve the size.</summary>
    public PackageDtype Dtype { get; init; } = PackageDtype.Fp32;

    /// <summary>Report folders of evaluate and guard steps; each one's <c>report.md</c> goes into the model card. Default: none.</summary>
    [Input(ArtifactKind.Report)]
    public IReadOnlyList<string> Reports { get; init; } = [];

    /// <summary>Register the package in the tracker's model registry under this name. Default: none (not registered).</summary>
    [RegularExpression("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    public string? RegisterAs { get; init; }

    /// <summary>Licence of the card's front matter, as a hub licence id (<c>mit</c>, <c>apache-2.0</c>, <c>other</c> …).
    /// Default: recognised from the LICENSE file of the packaged model (or of base_model), else none.</summary>
    [RegularExpression("^[a-z0-9][a-z0-9.-]{0,63}$")]
    public string? License { get; init; }

    /// <summary>Title of the model card. Default: <see cref="RegisterAs"/>, else the workflow's name.</summary>
    public string? Title { get; init; }

    /// <summary>Prompt of the smoke generation run on the reloaded package. Default "Once upon a time".</summary>
    public string SmokePrompt { get; init; } = "Once upon a time";

    /// <summary>Tokens the smoke generation produces (greedy). Default 16; range 1 to 512.</summary>
    [Range(1, 512)]
    public int SmokeTokens { get; init; } = 16;

    public IEnumerable<OptionError> Validate()
    {
        if ((Model is null) == (Adapter is null))
            yield return new OptionError(Model is null ? "model" : "adapter", "give exactly one of model and adapter", "model: packages a full model; adapter: a PEFT adapter folder");
        if (BaseModel is not null && Adapter is null)
            yield return new OptionError("base_model", "base_model only applies when packaging an adapter", "remove base_model, or package adapter: instead of model:");
        if (Formats.Count == 0)
            yield return new OptionError("formats", "give at least one format", "formats: [hf], [gguf] or [hf, gguf]");
        if (Formats.Contains(PackageFormat.Gguf) && Adapter is not null)
            yield return new OptionError("formats", "gguf packages a full model, not an adapter", "merge the adapter first (a merge step) and package model: its output");
        if (Formats.Contains(PackageFormat.Gguf) && Gguf.Types.Count == 0)
            yield return new OptionError("gguf.types", "give at least one GGUF type", "e.g. types: [q8_0, q4_0]");
        if (Gguf.Template is Train.PromptTemplate.Custom || Gguf.Template is { } t && Train.PromptRenderer.IsChatTemplate(t))
            yield return new OptionError("gguf.template", $"gguf.template '{Gguf.Template}' has no packaged chat template form yet",
                "use alpaca, alpaca_short, chatml or plain, or leave it out to carry the base's own chat_template");
    }
}
