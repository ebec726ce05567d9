using Workflows.Engine.Steps;
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
/// match the base with the adapter applied at run time within <c>max_drift</c>.
/// </summary>
[Step("merge", Version = 1, UsesDevice = true, Description = "Merge an adapter into its base model, or combine several adapters (linear, cat, svd, ties, dare) first")]
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
            var quantised = options.QuantisedBase is { } given ? options.Adapters.Select(_ => given).ToList() : options.Adapters.Select(AdapterOrigin.IsQuantised).ToList();
            if (quantised.Distinct().Count() > 1)
                return StepResult.Failed($"adapters: {string.Join(", ", options.Adapters.Where((_, i) => quantised[i]))} were trained over an NF4 base (QLoRA) and the others over the full-precision base; combine adapters of one kind");
            // The NF4 layers compute in float32 here so run-time and merged models differ only by rounding.
            var quantise = quantised[0] ? new Nf4Options { ComputeDtype = ScalarType.Float32 } : null;
            if (quantise is not null) context.Log("merging into the dequantised NF4 base (QLoRA adapters)");
            using var model = LlamaLoader.Load(options.BaseModel, device);
            var tokenizer = TokenizerLoader.ForModel(options.BaseModel, model.Config);
            var config = configs[0];
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
                PeftAdapterFiles.Save(model, config, context.CreateOutput("adapter"));
                context.Log($"combined {options.Adapters.Count} adapters with {MergeNames.Of(options.Combination)} into one of rank {config.Rank}");
            }

            var runtime = LogitDrift.Logits(model, tokenizer, options.DriftPrompts);
            var merged = AdapterMerger.MergeAll(model, ScalarType.Float32);
            var after = LogitDrift.Logits(model, tokenizer, options.DriftPrompts);
            var drift = LogitDrift.MaxAbs(runtime, after);
            runtime.Concat(after).ToList().ForEach(t => t.Dispose());
            var metrics = new Dictionary<string, double> { ["merge_drift"] = drift, ["merged_layers"] = merged.Count, ["adapter_rank"] = config.Rank };
            foreach (var (key, value) in metrics) context.LogMetric(key, value);
            if (!(drift <= options.MaxDrift))
                return StepResult.Failed($"the merged model's logits differ from the adapter applied at run time by {drift:G3} (max_drift {options.MaxDrift:G3}); the merge is not faithful, check the adapter and quantised_base", metrics);

            var output = context.CreateOutput("model");
            LlamaSaver.Save(model, output);
            HfFolderFiles.CopyCompanions(options.BaseModel, model.Config, output);
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
