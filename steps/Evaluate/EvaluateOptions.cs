using System.ComponentModel.DataAnnotations;
using Workflows.Engine.Steps;

namespace Workflows.Steps.Evaluate;

/// <summary>Options of the <c>evaluate</c> step.</summary>
public sealed record EvaluateOptions : IValidatableOptions
{
    /// <summary>The base model folder (Hugging Face layout) or llama2.c <c>.bin</c>. Required.</summary>
    [Input(ArtifactKind.Model)]
    public required string Model { get; init; }

    /// <summary>Adapters to evaluate beside the base, each reported side by side with its deltas. Default: none.</summary>
    [Input(ArtifactKind.Adapter)]
    public List<string> Adapters { get; init; } = [];

    /// <summary>The tasks, by name (used in metric names: <c>NAME.perplexity</c>). At least one. Required.</summary>
    [MinLength(1)]
    public required Dictionary<string, EvalTaskOptions> Tasks { get; init; }

    /// <summary>Bounds that fail the step, keyed <c>TASK.METRIC</c> or <c>METRIC</c> (every task reporting it), e.g.
    /// <c>{ tinystories.perplexity: { max: 12 } }</c>. Gates judge each adapter when adapters are given, else the base.
    /// Default: none.</summary>
    public Dictionary<string, GateOptions> Gates { get; init; } = [];

    /// <summary>Seed of <c>sample: true</c> subsets. Default 0; range 0 to 2,147,483,647.</summary>
    [Range(0, int.MaxValue)]
    public int Seed { get; init; }

    /// <summary>The base each adapter runs on. Default (unset): the one it was trained on, i.e. the NF4 base a
    /// QLoRA adapter records in <c>adapter_config.json</c> (an adapter that says it is QLoRA but records no
    /// quantisation is refused), else full precision. <c>false</c>: the full-precision base, said so in the
    /// report. <c>true</c>: the recorded NF4 base, and an adapter without one is refused.</summary>
    public bool? QuantisedBase { get; init; }

    /// <summary>Parameter dtype of the base: <c>float32</c> (default) or <c>bfloat16</c>.</summary>
    public string Dtype { get; init; } = "float32";

    public IEnumerable<OptionError> Validate() => EvaluateValidation.Check(this);
}
