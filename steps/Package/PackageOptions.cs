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

    /// <summary>Dtype of the packaged weights. Default <c>fp32</c>; <c>bf16</c> or <c>fp16</c> halve the size.</summary>
    public PackageDtype Dtype { get; init; } = PackageDtype.Fp32;

    /// <summary>Report folders of evaluate and guard steps; each one's <c>report.md</c> goes into the model card. Default: none.</summary>
    [Input(ArtifactKind.Report)]
    public IReadOnlyList<string> Reports { get; init; } = [];

    /// <summary>Register the package in the tracker's model registry under this name. Default: none (not registered).</summary>
    [RegularExpression("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    public string? RegisterAs { get; init; }

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
    }
}
