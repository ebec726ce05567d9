using Workflows.Engine.Steps;
using Workflows.Steps.Adapters;
using Workflows.Torch;
using Workflows.Torch.Adapters;
using Workflows.Torch.Engine;
using Workflows.Torch.Llama;
using Workflows.Torch.Merging;
using Workflows.Torch.Tokenization;
using static TorchSharp.torch;

namespace Workflows.Steps.Merge;

/// <summary>
/// Merges one adapter (LoRA, DoRA, QLoRA) into its base, or first combines several as PEFT's
/// <c>add_weighted_adapter</c> does, and writes a plain HF model. Safe by construction: everything
/// happens on private copies of the base, NaN/Inf is refused, and the merged model's logits must
/// match, within <c>max_drift</c>, the adapter as written (the combined one when adapters were
/// combined) applied at run time to a separately loaded base: the NF4 base a QLoRA adapter records,
/// with its recorded block size and double quantisation, unless <c>quantised_base: false</c>.
/// </summary>
[Step("merge", Version = 2, UsesDevice = true, Description = "Merge an adapter into its base model, or combine several adapters (linear, cat, svd, ties, dare) first")]
[StepOutput("model", ArtifactKind.Model, Description = "The merged model: HF folder with config, weights, tokenizer and generation config")]
[StepOutput("adapter", ArtifactKind.Adapter, Optional = true, Description = "The combined adapter (PEFT folder); present when adapters were combined")]
public sealed class MergeStep : IStep<MergeOptions>
{
    public async Task<StepResult> RunAsync(MergeOptions options, IStepContext context, CancellationToken cancellationToken)
    {
        var device = DeviceEngine.Shared.UseDevice(context.Device);
        var sources = new List<(LlamaForCausalLM Model, LoraConfig Config)>();
        try
        {
            var configs = options.Adapters.Select(PeftAdapterFiles.ReadConfig).ToList();
            var problems = AdapterCompatibility.Check(options, configs);
            if (problems.Count > 0) return StepResult.Failed(string.Join("\n", problems));
            if (options.Combines && configs.Any(c => c.TrainableTokenIndices is not null))
                return StepResult.Failed("an adapter adds tokens to the vocabulary (trainable_token_indices); combining such adapters is not supported, merge it alone");
            var bases = options.Adapters.Select((adapter, i) => AdapterBase.Resolve(adapter, configs[i], options.QuantisedBase)).ToList();
            if (bases.Distinct().Count() > 1)
                return StepResult.Failed("adapters were trained on different bases (" +
                    string.Join("; ", options.Adapters.Select((adapter, i) => $"{adapter}: {AdapterBase.Describe(configs[i], bases[i])}")) + "); combine adapters of one base");
            // The NF4 layers compute in float32 here, so the merged weight is the dequantised base plus the
            // update and the drift check measures the merge, not bfloat16 rounding.
            var quantise = bases[0] is { } recorded ? recorded with { ComputeDtype = ScalarType.Float32 } : null;
            context.Log($"merging into the {(quantise is null ? "" : "dequantised ")}{AdapterBase.Describe(configs[0], bases[0])}");
            using var model = LlamaLoader.Load(options.BaseModel, device);
            var tokenizer = TokenizerLoader.ForModel(options.BaseModel, model.Config);
            var config = configs[0];
            var written = options.Adapters[0];                                             // what the drift check reads back
            if (!options.Combines)
            {
                PeftAdapterFiles.Load(model, options.Adapters[0], quantise);
            }
            else
            {
                foreach (var adapter in options.Adapters)
                {
                    var source = LlamaLoader.Load(options.BaseModel, device);
                    sources.Add((source, PeftAdapterFiles.Load(source, adapter, quantise)));
                }

                var mismatch = AdapterCompatibility.CheckLayers(options, sources.Select(s => (IReadOnlyList<string>)AdapterInjector.Adapters(s.Model).Select(a => a.Path).ToList()).ToList());
                if (mismatch is not null) return StepResult.Failed(mismatch);
                config = AdapterCombination.Apply(model, sources, options, quantise);
                written = context.CreateOutput("adapter");
                PeftAdapterFiles.Save(model, config, written);
                context.Log($"combined {options.Adapters.Count} adapters with {MergeNames.Of(options.Combination)} into one of rank {config.Rank}");
            }

            var merged = AdapterMerger.MergeAll(model, ScalarType.Float32);
            var drift = LogitDrift.AgainstRuntime(model, tokenizer, options.BaseModel, written, quantise, options.DriftPrompts);
            var metrics = new Dictionary<string, double> { ["merge_drift"] = drift, ["merged_layers"] = merged.Count, ["adapter_rank"] = config.Rank };
            foreach (var (key, value) in metrics) context.LogMetric(key, value);
            if (!(drift <= options.MaxDrift))
                return StepResult.Failed($"the merged model's logits differ from the adapter applied at run time by {drift:G3} (max_drift {options.MaxDrift:G3}); the merge is not faithful, check the adapter and quantised_base", metrics);

            var output = context.CreateOutput("model");
            LlamaSaver.Save(model, output);
            HfFolderFiles.CopyCompanions(options.BaseModel, model.Config, output);
            if (!options.Combines && MergedTokenizer.ShipsTokenizer(options.Adapters[0]))
            {
                var endOfTurn = MergedTokenizer.Carry(options.Adapters[0], model.Config, output);
                context.Log($"the adapter's tokenizer ({model.Config.VocabSize} ids) and chat template replace the base's" + (endOfTurn is { } id ? $"; generation stops at its end-of-turn token {id}" : ""));
            }

            context.Log($"merged {merged.Count} layers; max logit drift {drift:G3}");
            return StepResult.Succeeded(metrics);
        }
        catch (Exception e) when (e is AdapterConfigException or ModelLoadException or InvalidOperationException)
        {
            return StepResult.Failed(e.Message);
        }
        finally
        {
            foreach (var (source, _) in sources) source.Dispose();
        }
    }
}
