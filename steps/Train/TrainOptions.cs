using System.ComponentModel.DataAnnotations;
using Workflows.Engine.Steps;
using Workflows.Steps.Train.Preference;

namespace Workflows.Steps.Train;

/// <summary>Options of the <c>train</c> step: parameter-efficient fine-tuning (LoRA, QLoRA, DoRA) of a
/// Llama base model on instruction, conversation or text rows.</summary>
public sealed record TrainOptions : IValidatableOptions
{
    /// <summary>The base model folder (Hugging Face layout) or llama2.c <c>.bin</c>. Required.</summary>
    [Input(ArtifactKind.Model)]
    public required string Model { get; init; }

    /// <summary>The training dataset (<c>${{ steps.X.outputs.train }}</c>). Required.</summary>
    [Input(ArtifactKind.Dataset)]
    public required string Train { get; init; }

    /// <summary>A validation dataset for <c>val_loss</c>, early stopping and the best adapter. Default: none.</summary>
    [Input(ArtifactKind.Dataset)]
    public string? Validation { get; init; }

    /// <summary>What to optimise: <c>sft</c>, or a preference objective on <c>preference</c> rows (<c>dpo</c>,
    /// <c>orpo</c>, <c>simpo</c>) or on labelled <c>feedback</c> rows (<c>kto</c>). Default sft.</summary>
    public TrainObjective Objective { get; init; } = TrainObjective.Sft;

    /// <summary>β, loss type, label smoothing, SimPO's γ and KTO's weights of the preference objectives.</summary>
    public PreferenceOptions Preference { get; init; } = new();

    /// <summary>Adapter method: <c>lora</c>, <c>qlora</c> (LoRA over an NF4-quantised base) or <c>dora</c>; or <c>full</c>:
    /// every weight trains and the step writes a model folder (output <c>model</c>) instead of an adapter. Default lora.</summary>
    public TrainMethod Method { get; init; } = TrainMethod.Lora;

    /// <summary>For <c>method: full</c>: the token embeddings and the first N layers to keep fixed. Default: nothing frozen.</summary>
    public FreezeOptions? Freeze { get; init; }

    /// <summary>The low-rank adapter: rank, alpha, dropout, target modules.</summary>
    public LoraOptions Lora { get; init; } = new();

    /// <summary>How the base is quantised for <c>method: qlora</c>; ignored otherwise.</summary>
    public QuantizationOptions Quantization { get; init; } = new();

    /// <summary>How rows become text: <c>alpaca</c> (the Stanford Alpaca prompt with its preamble),
    /// <c>alpaca_short</c> (its sections only), <c>chatml</c>, <c>plain</c>, <c>custom</c>, or a Jinja chat
    /// template: <c>auto</c> (the model's own <c>chat_template</c>), <c>llama3</c>, <c>mistral</c>, <c>gemma</c>,
    /// <c>phi3</c>. With a chat template every assistant turn is trained, with its end-of-turn marker;
    /// <c>chatml</c> is the engine's built-in ChatML template.
    /// Default alpaca.</summary>
    public PromptTemplate Template { get; init; } = PromptTemplate.Alpaca;

    /// <summary>Tokens to add to the tokenizer before training, as LLaMA-Factory's <c>add_special_tokens</c>:
    /// each becomes one special token after the vocabulary (it encodes whole and never splits), the
    /// embedding (and an untied output head) grows by rows set to the mean of the existing rows, and those
    /// rows train with the adapter (PEFT's <c>trainable_token_indices</c>), so the model can write and stop
    /// at them. <c>auto</c> stands for the chat template's turn markers the vocabulary lacks
    /// (<c>&lt;|eot_id|&gt;</c>, <c>&lt;|im_end|&gt;</c>…). The adapter then ships the extended tokenizer
    /// (<c>added_tokens.json</c> or <c>tokenizer.json</c>, <c>tokenizer_config.json</c>). Default: none.</summary>
    public List<string> AddSpecialTokens { get; init; } = [];

    /// <summary>The <see cref="AddSpecialTokens"/> entry that stands for the chat template's missing markers.</summary>
    public const string AutoTokens = "auto";

    /// <summary>The prompt for <c>template: custom</c>, with <c>{system}</c>, <c>{instruction}</c> and
    /// <c>{input}</c> placeholders; the row's output follows it. Default: none.</summary>
    public string? CustomTemplate { get; init; }

    /// <summary>Also train on prompt tokens. Default false: the loss covers completions only.</summary>
    public bool TrainOnInputs { get; init; }

    /// <summary>Concatenate examples into full <see cref="MaxSeqLen"/> sequences (fewer padded tokens; what each example
    /// attends to: <see cref="PackingAttention"/>). Examples longer than a sequence continue in the next one instead of
    /// being truncated (as a document of its own there), so continued pre-training on <c>text</c> rows trains every token. Default false.</summary>
    public bool Packing { get; init; }

    /// <summary>With <see cref="Packing"/>: <c>documents</c> (default) keeps each example to itself, attending only to its own
    /// earlier tokens with positions restarting at its start, as if it were alone; <c>sequence</c> lets it attend to the
    /// examples packed before it in the sequence.</summary>
    public PackingAttention PackingAttention { get; init; } = PackingAttention.Documents;

    /// <summary>Most tokens per sequence; also capped by the model's context. Default 512; range 8 to 131,072.</summary>
    [Range(8, 131072)]
    public int MaxSeqLen { get; init; } = 512;

    /// <summary>An example longer than <see cref="MaxSeqLen"/>: <c>truncate</c> it (with a warning) or <c>fail</c>. Default truncate.</summary>
    public OverlongPolicy Overlong { get; init; } = OverlongPolicy.Truncate;

    /// <summary>AdamW settings.</summary>
    public OptimizerOptions Optimizer { get; init; } = new();

    /// <summary>Learning-rate schedule after warm-up: <c>linear</c> or <c>cosine</c> decay to 0, or <c>constant</c>. Default cosine.</summary>
    public SchedulerKind Scheduler { get; init; } = SchedulerKind.Cosine;

    /// <summary>Optimizer steps of linear warm-up from 0. Default 0; range 0 to 1,000,000.</summary>
    [Range(0, 1_000_000)]
    public int WarmupSteps { get; init; }

    /// <summary>Micro-batches whose gradients are summed per optimizer step. Default 1; range 1 to 1024.</summary>
    [Range(1, 1024)]
    public int GradAccumulation { get; init; } = 1;

    /// <summary>Clip the global gradient norm to this; 0 turns clipping off. Default 1; range 0 to 1e6.</summary>
    [Range(0.0, 1e6)]
    public double MaxGradNorm { get; init; } = 1.0;

    /// <summary>Passes over the training rows (used when <see cref="MaxSteps"/> is not set). Default 3; range 1 to 10,000.</summary>
    [Range(1, 10_000)]
    public int Epochs { get; init; } = 3;

    /// <summary>Optimizer steps to run instead of <see cref="Epochs"/>. Default: none; range 1 to 10,000,000.</summary>
    [Range(1, 10_000_000)]
    public int? MaxSteps { get; init; }

    /// <summary>Sequences per micro-batch. Default 8; range 1 to 4096.</summary>
    [Range(1, 4096)]
    public int BatchSize { get; init; } = 8;

    /// <summary>Compute validation loss every N optimizer steps (and at the end). Default 50; range 1 to 1,000,000.</summary>
    [Range(1, 1_000_000)]
    public int EvalEvery { get; init; } = 50;

    /// <summary>Stop when validation loss has not improved for a while; the best adapter is kept. Default: off.</summary>
    public EarlyStoppingOptions? EarlyStopping { get; init; }

    /// <summary>Write a resumable checkpoint every N optimizer steps. Default 100; range 1 to 1,000,000.</summary>
    [Range(1, 1_000_000)]
    public int CheckpointEvery { get; init; } = 100;

    /// <summary>Seed of the adapter initialisation, data order and dropout. Default 0; range 0 to 2,147,483,647.</summary>
    [Range(0, int.MaxValue)]
    public int Seed { get; init; }

    /// <summary>Dtype the model computes in: <c>float32</c> or <c>bfloat16</c>. Default float32. Adapters always
    /// train in float32 (as PEFT does), whatever the base computes in. With <c>method: full</c> the weights
    /// themselves are bfloat16, as in torchtune's bf16 recipes, and AdamW keeps a float32 master copy of each with
    /// its moments, as mixed-precision training does; the model folder is written in bfloat16.</summary>
    public TrainDtype Dtype { get; init; } = TrainDtype.Float32;

    /// <summary>libtorch CPU threads for this step. Default 1; range 1 to 256. Floating-point sums split
    /// across threads round differently, so the adapter's bytes depend on this number: it is part of the
    /// step's fingerprint, and 1 gives the same bytes on every machine. More threads are faster only on
    /// cores nothing else is using.</summary>
    [Range(1, 256)]
    public int Threads { get; init; } = 1;

    /// <summary>Data-parallel workers on the CPU: each micro-batch is split into this many shards of whole rows, computed
    /// side by side on threads of their own (each at <c>threads</c> libtorch threads), and the shards' gradients are added
    /// in shard order, as DistributedDataParallel adds its ranks'. Each shard draws its dropout and NEFTune noise from a
    /// generator of its own. Default 1; range 1 to 64, and at most batch_size. The bytes depend on this number (a batch
    /// summed in shards rounds differently) but not on the machine, so it is part of the step's fingerprint. On two free
    /// cores, <c>workers: 2</c> trains about 1.9 times as fast as one worker, where <c>threads: 2</c> reaches 1.6 to 1.8
    /// (BENCHMARKS.md). Every objective: DPO's and KTO's reference is computed for every shard before any trains (side by
    /// side, the adapters switched off once around all), KTO's KL estimate from the whole micro-batch; ORPO's NLL term is
    /// each shard's own, as under DistributedDataParallel. Off the CPU the
    /// shards run one after another.</summary>
    [Range(1, 64)]
    public int Workers { get; init; } = 1;

    /// <summary>Keep only each decoder layer's input during the forward pass and recompute the layer in
    /// backward: activation memory of the layers falls to one hidden state per layer, for about one more
    /// forward pass of compute. The gradients are the same. Default false.</summary>
    public bool GradientCheckpointing { get; init; }

    /// <summary>NEFTune (Jain et al., 2023; TRL's and Axolotl's <c>neftune_noise_alpha</c>): while training, add uniform noise
    /// in ±alpha/√(T·C) to the token embeddings of each batch (T its padded length, C the hidden size). Validation and
    /// every later step see the embeddings unchanged. Default none; 5 is the paper's usual value. The noise is drawn from
    /// the step's seeded generator, so runs stay reproducible.</summary>
    [Range(0.0, 1000.0)]
    public double? NeftuneNoiseAlpha { get; init; }

    public IEnumerable<OptionError> Validate()
    {
        if (Template == PromptTemplate.Custom && string.IsNullOrWhiteSpace(CustomTemplate))
            yield return new OptionError("custom_template", "template: custom needs custom_template", "e.g. \"Q: {instruction}\\nA: \"");
        if (Template != PromptTemplate.Custom && CustomTemplate is not null)
            yield return new OptionError("custom_template", "custom_template is only used with template: custom");
        if (EarlyStopping is not null && Validation is null)
            yield return new OptionError("early_stopping", "early_stopping needs a validation dataset", "set validation: or remove early_stopping");
        if (Objective != TrainObjective.Sft && NeftuneNoiseAlpha is > 0)
            yield return new OptionError("neftune_noise_alpha", $"NEFTune applies to supervised fine-tuning; objective {Objective.ToString().ToLowerInvariant()} compares answers whose log-probabilities it would blur", "remove neftune_noise_alpha: or use objective: sft");
        if (Objective != TrainObjective.Sft && Packing)
            yield return new OptionError("packing", $"objective {Objective.ToString().ToLowerInvariant()} scores whole answers and cannot pack examples", "remove packing: or use objective: sft");
        if (Workers > BatchSize)
            yield return new OptionError("workers", $"workers {Workers} is more than batch_size {BatchSize}: each worker takes whole rows of a batch", $"use workers: {BatchSize} or less, or a larger batch_size");
        foreach (var error in FullFineTune.Validate(this)) yield return error;
        if (Preference.PrecomputeRefLogProbs && Objective != TrainObjective.Dpo)
            yield return new OptionError("preference.precompute_ref_log_probs", $"only objective dpo scores pairs against a reference that can be precomputed (objective {Objective.ToString().ToLowerInvariant()})",
                "remove precompute_ref_log_probs: (orpo and simpo have no reference; kto's KL pairs depend on the batch)");
        if (AddSpecialTokens.Contains(AutoTokens) && !PromptRenderer.IsChatTemplate(Template))
            yield return new OptionError("add_special_tokens", $"'{AutoTokens}' adds a chat template's turn markers, but template {Template.ToString().ToLowerInvariant()} is not a chat template",
                "use template: chatml, llama3, auto…, or list the tokens to add");
        if (AddSpecialTokens.Any(string.IsNullOrEmpty))
            yield return new OptionError("add_special_tokens", "a token to add is empty", "e.g. [auto] or [\"<|im_end|>\"]");
        if (AddSpecialTokens.Count > 0 && Method == TrainMethod.Full && Freeze?.Embeddings == true)
            yield return new OptionError("add_special_tokens", "the added tokens' embedding rows would never train: freeze.embeddings keeps the embeddings fixed",
                "remove freeze.embeddings, or add no tokens");
        if (Objective == TrainObjective.Kto && BatchSize < 2)
            yield return new OptionError("batch_size", "objective kto estimates its KL term from other rows of the batch and needs batch_size of at least 2", "e.g. batch_size: 4");
        if (EarlyStopping is { Metric: var metric } && metric != EarlyStoppingOptions.ValLoss
            && (Objective == TrainObjective.Sft || !EarlyStoppingOptions.PreferenceMetrics.Contains(metric)))
            yield return new OptionError("early_stopping.metric", $"'{metric}' cannot drive early stopping with objective {Objective.ToString().ToLowerInvariant()}",
                Objective == TrainObjective.Sft ? "use val_loss" : $"use val_loss, {string.Join(" or ", EarlyStoppingOptions.PreferenceMetrics)}");
        if (Lora.TargetModules.Count == 0)
            yield return new OptionError("lora.target_modules", "name at least one layer", "e.g. [q_proj, v_proj]");
        if (Optimizer.Betas.Count != 2 || Optimizer.Betas.Any(b => b is < 0 or >= 1))
            yield return new OptionError("optimizer.betas", "betas must be two numbers in [0, 1)", "e.g. [0.9, 0.999]");
    }
}
