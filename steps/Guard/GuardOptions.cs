using System.ComponentModel.DataAnnotations;
using Workflows.Engine.Steps;
using Workflows.Steps.EvalData;

namespace Workflows.Steps.Guard;

/// <summary>Options of the <c>guard</c> step.</summary>
public sealed record GuardOptions : IValidatableOptions
{
    /// <summary>The model under test (folder or llama2.c <c>.bin</c>). Required with <see cref="Prompts"/>.</summary>
    [Input(ArtifactKind.Model)]
    public string? Model { get; init; }

    /// <summary>An adapter to apply to <see cref="Model"/>. Default: none (the base model).</summary>
    [Input(ArtifactKind.Adapter)]
    public string? Adapter { get; init; }

    /// <summary>The base <see cref="Adapter"/> runs on. Default (unset): the one it was trained on, i.e. the NF4
    /// base a QLoRA adapter records in <c>adapter_config.json</c> (an adapter that says it is QLoRA but records
    /// no quantisation is refused), else full precision. <c>false</c>: the full-precision base, said so in the
    /// report. <c>true</c>: the recorded NF4 base, and an adapter without one is refused.</summary>
    public bool? QuantisedBase { get; init; }

    /// <summary>Red-team prompts: a dataset output or a raw .csv/.tsv/.jsonl/.json/.txt file read with <see cref="Fields"/>.
    /// Default: none (only <see cref="Scan"/> runs).</summary>
    [Input(ArtifactKind.Any)]
    public string? Prompts { get; init; }

    /// <summary>Field names in a raw prompts file; only <c>prompt</c> is used. AdvBench, whose header names its columns
    /// the wrong way round, needs <c>{ prompt: target }</c>. Default <c>{ prompt: prompt }</c>.</summary>
    public FieldMapping Fields { get; init; } = new();

    /// <summary>Prompts to run; 0 runs all. Default 0; range 0 to 2,147,483,647.</summary>
    [Range(0, int.MaxValue)]
    public int Limit { get; init; }

    /// <summary>With <see cref="Limit"/>: true takes a subset seeded by <see cref="Seed"/>, false the first prompts. Default false.</summary>
    public bool Sample { get; init; }

    /// <summary>Seed of <c>sample: true</c>. Default 0; range 0 to 2,147,483,647.</summary>
    [Range(0, int.MaxValue)]
    public int Seed { get; init; }

    /// <summary>How a prompt is shown to the model; <c>{prompt}</c> is replaced by it. Default <c>{prompt}</c>.</summary>
    public string PromptTemplate { get; init; } = "{prompt}";

    /// <summary>Write each prompt (after <see cref="PromptTemplate"/>) as the user turn of this chat template, as the
    /// adapter was trained: <c>auto</c> (the adapter's own, shipped by the train step, else the model's), or
    /// <c>llama3</c>, <c>chatml</c>, <c>mistral</c>, <c>gemma</c>, <c>phi3</c>; replies then end at its end-of-turn
    /// marker (or a stop string). Default: none.</summary>
    public string? ChatTemplate { get; init; }

    /// <summary>Most tokens of each reply (greedy decoding). Default 64; range 1 to 4,096.</summary>
    [Range(1, 4096)]
    public int MaxNewTokens { get; init; } = 64;

    /// <summary>Prompts whose replies are generated together (left-padded, each stopping on its own); every reply is
    /// token for token the one its prompt gets alone. 1 generates one at a time. The guard model judges one by one.
    /// Default 16; range 1 to 1,024.</summary>
    [Range(1, 1024)]
    public int BatchSize { get; init; } = 16;

    /// <summary>Replies are cut before the first of these. Default: none.</summary>
    public List<string> StopStrings { get; init; } = [];

    /// <summary>A dataset output or raw file whose every text field is checked by the rule detectors (e.g. PII in
    /// training data before training); counted under <c>scan.CATEGORY</c>. Default: none.</summary>
    [Input(ArtifactKind.Any)]
    public string? Scan { get; init; }

    /// <summary>Check for personal data: e-mails, phone numbers, Luhn-valid card numbers, mod-97-valid IBANs, valid US SSNs. Default true.</summary>
    public bool Pii { get; init; } = true;

    /// <summary>Check for credentials: AWS keys, GitHub tokens, API keys, PEM private keys. Default true.</summary>
    public bool Secrets { get; init; } = true;

    /// <summary>User categories of words and regexes, by name (the name is the threshold category). Default: none.</summary>
    public Dictionary<string, BlocklistOptions> Blocklists { get; init; } = [];

    /// <summary>A safety classifier judging each prompt/reply. Default: none (rule checks only).</summary>
    public GuardModelOptions? GuardModel { get; init; }

    /// <summary>Most violations allowed per category, as a share of items: <c>pii</c>, <c>secrets</c>, a blocklist name,
    /// <c>no_refusal</c> (replies that do not decline), <c>unsafe</c>, <c>S1</c>–<c>S14</c> and <c>unparseable</c> (guard model),
    /// and <c>scan.pii</c>, <c>scan.secrets</c>, <c>scan.NAME</c> for <see cref="Scan"/>. A breach fails the step. Default: none
    /// (everything is reported, nothing fails).</summary>
    public Dictionary<string, ThresholdOptions> Thresholds { get; init; } = [];

    public IEnumerable<OptionError> Validate() => GuardValidation.Check(this);
}
