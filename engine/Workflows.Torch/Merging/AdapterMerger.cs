using TorchSharp;
using TorchSharp.Modules;
using Workflows.Torch.Adapters;
using Workflows.Torch.Llama;
using static TorchSharp.torch;

namespace Workflows.Torch.Merging;

/// <summary>
/// Turns a model with adapters applied (LoRA, DoRA, and QLoRA over an NF4 base) into a plain model:
/// every <see cref="LoraLinear"/> becomes a <see cref="Linear"/> holding its
/// <see cref="LoraLinear.EffectiveWeight"/>, and every NF4 layer becomes a <see cref="Linear"/> holding
/// its dequantised weight, and trained rows of added tokens go into <c>embed_tokens</c>/<c>lm_head</c>; a base bias is carried over unchanged. Safe: all new weights are computed first and checked for NaN/Inf; the
/// model is changed only when every one is finite.
/// </summary>
public static class AdapterMerger
{
    /// <summary>Folds every adapter and NF4 layer of <paramref name="model"/> (a private copy: it is
    /// changed) into plain linear layers in <paramref name="dtype"/>; returns the paths folded.</summary>
    /// <exception cref="InvalidOperationException">A folded weight holds NaN or Inf; the model is left as it was.</exception>
    public static IReadOnlyList<string> MergeAll(nn.Module model, ScalarType dtype)
    {
        var weights = new List<(string Path, Tensor Weight, Tensor? Bias)>();
        try
        {
            using (no_grad())
            {
                foreach (var (path, module) in model.named_modules().ToList())
                {
                    if (module is LoraLinear lora) weights.Add((path, lora.EffectiveWeight().to_type(dtype), lora.BaseBias()?.to_type(dtype)));
                }

                var insideAdapters = weights.Select(w => w.Path + ".").ToList();
                foreach (var (path, module) in model.named_modules().ToList())
                {
                    if (module is Nf4Linear nf4 && !insideAdapters.Any(p => path.StartsWith(p, StringComparison.Ordinal)))
                        weights.Add((path, nf4.DequantisedWeight().to_type(dtype), nf4.bias?.to_type(dtype)));
                }
            }

            var broken = weights.FirstOrDefault(w => !w.Weight.isfinite().all().item<bool>());
            if (broken.Weight is not null) throw new InvalidOperationException($"merging would put NaN or Inf into {broken.Path}; the adapter is broken, nothing was merged");
            if (model is LlamaForCausalLM withRows) TrainableTokenRows.EnsureFinite(withRows);          // before any layer is replaced
            foreach (var (path, weight, bias) in weights) ModuleSurgery.Replace(model, path, _ => PlainLinear(weight, bias));
            var rows = model is LlamaForCausalLM llama ? TrainableTokenRows.Merge(llama) : [];          // rows of added tokens go into the weights
            return [.. weights.Select(w => w.Path), .. rows];
        }
        finally
        {
            foreach (var (_, weight, bias) in weights)
            {
                weight.Dispose();
                bias?.Dispose();
            }
        }
    }

    private static Linear PlainLinear(Tensor weight, Tensor? bias)
    {
        var linear = nn.Linear(weight.shape[1], weight.shape[0], hasBias: bias is not null, device: weight.device, dtype: weight.dtype);
        using (no_grad())
        {
            linear.weight!.copy_(weight);
            linear.bias?.copy_(bias!);
        }

        linear.weight!.requires_grad = false;
        if (linear.bias is not null) linear.bias.requires_grad = false;
        return linear;
    }
}
