using Workflows.Steps.Evaluate.Charts;
using Workflows.Engine.Steps;
using Workflows.Steps.Datasets;
using Workflows.Steps.Train.Preference;
using Workflows.Torch;
using Workflows.Torch.Adapters;
using Workflows.Torch.Chat;
using Workflows.Torch.Engine;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;

namespace Workflows.Steps.Train;

/// <summary>Fine-tunes a LoRA, QLoRA or DoRA adapter on a base model and writes it in PEFT layout, or (<c>method: full</c>)
/// the model's own weights, written as a model folder.</summary>
[Step("train", Version = 9, UsesDevice = true, Description = "LoRA/QLoRA/DoRA or full fine-tuning (SFT, continued pre-training, DPO, ORPO, SimPO, KTO) with templates, completion-only loss, validation, early stopping and resumable checkpoints")]
[StepOutput("adapter", ArtifactKind.Adapter, Optional = true, Description = "PEFT adapter folder (adapter_config.json, adapter_model.safetensors) and training_summary.json (and the tokenizer when add_special_tokens added tokens); adapter methods")]
[StepOutput("model", ArtifactKind.Model, Optional = true, Description = "method: full: the trained model as a Hugging Face folder (config, weights, tokenizer) and training_summary.json")]
public sealed class TrainStep : IStep<TrainOptions>
{
    public async Task<StepResult> RunAsync(TrainOptions options, IStepContext context, CancellationToken cancellationToken)
    {
        DeviceEngine.Shared.UseDevice(context.Device);
        var modelPath = context.ResolvePath(options.Model);
        var config = TrainModel.AdapterConfig(options);
        LlamaForCausalLM model;
        try
        {
            model = TrainModel.Build(modelPath, options, config);
        }
        catch (Exception e) when (e is AdapterConfigException or ModelLoadException)
        {
            return StepResult.Failed(e.Message);
        }

        var tokenizer = TokenizerLoader.ForModel(modelPath, model.Config);
        ChatTemplate? chat = null;
        if (PromptRenderer.IsChatTemplate(options.Template))
        {
            try
            {
                chat = ChatTemplate.Load(PromptRenderer.ChatTemplateName(options.Template), modelPath, tokenizer);
            }
            catch (ModelLoadException e)
            {
                return StepResult.Failed($"template: {e.Message}");
            }
        }

        TokenAddition tokens;
        try
        {
            (tokens, config) = TokenAddition.Apply(options, modelPath, model, config, tokenizer, chat, context);
        }
        catch (Exception e) when (e is AdapterConfigException or ModelLoadException)
        {
            return StepResult.Failed($"add_special_tokens: {e.Message}");
        }

        (tokenizer, chat) = (tokens.Tokenizer, tokens.Chat);
        var maxLength = Math.Min(options.MaxSeqLen, model.Config.MaxPositionEmbeddings);
        if (options.Objective != TrainObjective.Sft) return await PreferenceAsync(options, context, modelPath, model, config, tokens, maxLength, cancellationToken);
        var (train, error) = await ReadAsync("train", options.Train, options, tokenizer, chat, maxLength, context, cancellationToken);
        if (error is not null) return StepResult.Failed(error);
        var (validation, validationError) = options.Validation is null ? (null, null)
            : await ReadAsync("validation", options.Validation, options, tokenizer, chat, maxLength, context, cancellationToken);
        if (validationError is not null) return StepResult.Failed(validationError);

        var trainer = new Trainer(model, config, options, context, train!, validation);
        context.Log($"{options.Method}: {train!.Examples.Count} training sequences, {trainer.TotalSteps} steps, " +
            $"{AdapterInjector.TrainableParameters(model).Sum(p => p.Parameter.numel()):N0} trainable parameters");
        var (state, failure) = await Task.Run(() => trainer.Run(cancellationToken), cancellationToken);
        if (failure is not null) return StepResult.Failed(failure);

        return Finish(options, context, model, config, tokens, state, train.Examples.Count, validation?.Examples.Count);
    }

    private static async Task<StepResult> PreferenceAsync(TrainOptions options, IStepContext context, string modelPath, LlamaForCausalLM model, LoraConfig config,
        TokenAddition tokens, int maxLength, CancellationToken cancellationToken)
    {
        var tokenizer = tokens.Tokenizer;
        var (train, error) = await PreferenceRows.ReadAsync("train", options.Train, options, tokenizer, maxLength, context, cancellationToken, tokens.Chat);
        if (error is not null) return StepResult.Failed(error);
        var (validation, validationError) = options.Validation is null ? (null, null)
            : await PreferenceRows.ReadAsync("validation", options.Validation, options, tokenizer, maxLength, context, cancellationToken, tokens.Chat);
        if (validationError is not null) return StepResult.Failed(validationError);

        using var frozen = FullFineTune.NeedsFrozenReference(options) ? TrainModel.FrozenReference(modelPath, options) : null;
        if (frozen is not null) context.Log($"reference: a frozen copy of the base ({frozen.parameters().Sum(p => p.numel()):N0} parameters)");
        var objective = new PreferenceObjective(model, options, tokenizer, maxLength, train!, validation, frozen);
        if (options.Preference.PrecomputeRefLogProbs)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            context.Log($"reference log-probabilities of {objective.PrecomputeReference():N0} answers precomputed in {clock.Elapsed.TotalSeconds:F1}s");
        }

        var empty = new TrainingData([], 0, 0);
        var trainer = new Trainer(model, config, options, context, empty, null, objective, validation is not null);
        context.Log($"{options.Method} {options.Objective.ToString().ToLowerInvariant()}: {train!.Items.Count} training {(options.Objective == TrainObjective.Kto ? "rows" : "pairs")}, " +
            $"{trainer.TotalSteps} steps, {AdapterInjector.TrainableParameters(model).Sum(p => p.Parameter.numel()):N0} trainable parameters");
        var (state, failure) = await Task.Run(() => trainer.Run(cancellationToken), cancellationToken);
        if (failure is not null) return StepResult.Failed(failure);
        return Finish(options, context, model, config, tokens, state, train.Items.Count, validation?.Items.Count);
    }

    private static StepResult Finish(TrainOptions options, IStepContext context, LlamaForCausalLM model, LoraConfig config, TokenAddition tokens, TrainingState state, int trainCount, int? validationCount)
    {
        var full = options.Method == TrainMethod.Full;
        var output = context.CreateOutput(full ? "model" : "adapter");
        var best = TrainingCheckpoint.BestFolder(context.StateDirectory);
        if (validationCount is null) FullFineTune.Save(model, config, output);                   // no validation: the final weights
        else foreach (var file in Directory.EnumerateFiles(best)) File.Copy(file, Path.Combine(output, Path.GetFileName(file)));
        if (full) Merge.HfFolderFiles.CopyCompanions(context.ResolvePath(options.Model), model.Config, output);   // a model folder that loads anywhere
        tokens.WriteFiles(output);                                                             // evaluate, guard, merge and generate tokenise as training did
        if (full && tokens.Chat is not null) Merge.MergedTokenizer.JoinEndOfTurn(model.Config, output);   // generation stops at the end of the turn
        var summary = Summarise(options, state, trainCount, validationCount ?? 0, model);
        summary.Write(output);
        // The loss curves travel with the adapter (evaluate reports and model cards show them) and go to the tracker.
        var curve = Path.Combine(output, LossChart.FileName);
        File.WriteAllBytes(curve, LossChart.Render($"{summary.Method} training", state.TrainLosses, state.ValLosses));
        context.LogArtifact(curve, "charts");
        return StepResult.Succeeded(Metrics(summary));
    }

    private static async Task<(TrainingData? Data, string? Error)> ReadAsync(string field, string folder, TrainOptions options,
        TextTokenizer tokenizer, ChatTemplate? chat, int maxLength, IStepContext context, CancellationToken cancellationToken)
    {
        if (!DatasetFile.Exists(folder)) return (null, $"{field}: no {DatasetFile.FileName} in '{folder}'; pass a split, augment or ingest output");
        var rows = await DatasetFile.ReadAllAsync(folder, cancellationToken);
        var (data, error) = TrainingData.Build(rows, options, tokenizer, maxLength, field, chat);
        if (error is not null) return (null, error);
        if (data!.Examples.Count == 0)
            return (null, $"{field}: none of its {rows.Count} rows gives a trainable example with template {options.Template.ToString().ToLowerInvariant()}; check the dataset's kind and output columns");
        if (data.Truncated > 0) context.Log($"{field}: {data.Truncated} examples longer than {maxLength} tokens were truncated", StepLogLevel.Warning);
        if (data.Unusable > 0) context.Log($"{field}: {data.Unusable} rows skipped (no completion to train on)", StepLogLevel.Warning);
        return (data, null);
    }

    private static TrainingSummary Summarise(TrainOptions options, TrainingState state, int trainCount, int validationCount, LlamaForCausalLM model) => new()
    {
        Method = options.Method.ToString().ToLowerInvariant(),
        Objective = options.Objective.ToString().ToLowerInvariant(),
        Steps = state.Step,
        Tokens = state.Tokens,
        TrainExamples = trainCount,
        ValidationExamples = validationCount,
        FinalTrainLoss = state.LastLoss,
        BaseValLoss = state.BaseValLoss,
        FinalValLoss = state.LastValLoss,
        BestValLoss = state.BestValLoss,
        AdapterStep = validationCount == 0 ? state.Step : state.BestStep,
        TrainableParameters = AdapterInjector.TrainableParameters(model).Sum(p => p.Parameter.numel()),
        Quantization = TrainModel.Quantisation(options) is { } nf4 ? Nf4Record.ToJson(nf4) : null,
    };

    private static Dictionary<string, double> Metrics(TrainingSummary summary)
    {
        var metrics = new Dictionary<string, double> { ["steps"] = summary.Steps, ["tokens"] = summary.Tokens, ["final_train_loss"] = summary.FinalTrainLoss };
        if (summary.BaseValLoss is { } baseLoss) metrics["base_val_loss"] = baseLoss;
        if (summary.BestValLoss is { } best) metrics["best_val_loss"] = best;
        if (summary.FinalValLoss is { } last) metrics["final_val_loss"] = last;
        return metrics;
    }
}
