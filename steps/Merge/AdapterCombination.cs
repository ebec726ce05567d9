using TorchSharp;
using Workflows.Torch.Adapters;
using Workflows.Torch.Llama;
using Workflows.Torch.Merging;
using static TorchSharp.torch;

namespace Workflows.Steps.Merge;

/// <summary>Builds the combined adapter of several adapters, layer by layer, on a fresh copy of the base.</summary>
internal static class AdapterCombination
{
    /// <summary>
    /// Applies the combined adapter to <paramref name="target"/> (a fresh base copy, changed) and returns
    /// its config. <paramref name="sources"/> are base copies with one source adapter applied each.
    /// </summary>
    /// <exception cref="AdapterConfigException">The combined rank does not fit a layer.</exception>
    public static LoraConfig Apply(LlamaForCausalLM target, IReadOnlyList<(LlamaForCausalLM Model, LoraConfig Config)> sources,
        MergeOptions options, Nf4Options? quantiseBase)
    {
        var weights = options.Weights ?? sources.Select(_ => 1.0).ToList();
        var rank = options.Combination switch
        {
            CombinationMethod.Cat => sources.Sum(s => s.Config.Rank),
            CombinationMethod.Svd => options.SvdRank ?? sources.Max(s => s.Config.Rank),
            _ => sources[0].Config.Rank,
        };
        var layers = sources.Select(s => AdapterInjector.Adapters(s.Model).ToDictionary(a => a.Path, a => a.Layer)).ToList();
        // One config holds one rank, so an SVD rank above a layer's min(in, out) drops to the smallest such bound.
        if (options.Combination == CombinationMethod.Svd) rank = Math.Min(rank, (int)layers[0].Values.Min(l => Math.Min(l.InFeatures, l.OutFeatures)));
        // PEFT gives the new adapter alpha = r, so its scale is 1 and every source's scale lives in the factors.
        var config = sources[0].Config with { Rank = rank, Alpha = rank, UseRsLora = false, UseDora = false, Dropout = 0 };
        AdapterInjector.Apply(target, config, quantiseBase);
        var generator = new Generator((ulong)options.Seed);
        using var noGrad = no_grad();
        foreach (var (path, layer) in AdapterInjector.Adapters(target))
        {
            using var scope = NewDisposeScope();
            var factors = layers.Select(l => new LowRankFactors(l[path].lora_A.weight!, l[path].lora_B.weight!, l[path].Scaling)).ToList();
            var combined = Combine(factors, weights, options, config.Rank, generator);
            layer.lora_A.weight!.copy_(combined.A);
            layer.lora_B.weight!.copy_(combined.B);
        }

        return config;
    }

    private static LowRankFactors Combine(List<LowRankFactors> factors, IReadOnlyList<double> weights, MergeOptions options, long rank, Generator generator) =>
        options.Combination switch
        {
            CombinationMethod.Cat => LowRankCombiner.Cat(factors, weights),
            CombinationMethod.Svd => LowRankCombiner.Svd(factors, weights, rank),
            CombinationMethod.Linear => LowRankCombiner.TaskArithmeticOnFactors(factors, weights, TaskArithmetic.Linear),
            CombinationMethod.Ties => LowRankCombiner.TaskArithmeticOnFactors(factors, weights,
                (t, w) => TaskArithmetic.Ties(t, w, options.Density, options.MajoritySign)),
            CombinationMethod.DareLinear => LowRankCombiner.TaskArithmeticOnFactors(factors, weights,
                (t, w) => TaskArithmetic.DareLinear(t, w, options.Density, generator)),
            CombinationMethod.DareTies => LowRankCombiner.TaskArithmeticOnFactors(factors, weights,
                (t, w) => TaskArithmetic.DareTies(t, w, options.Density, options.MajoritySign, generator)),
            _ => throw new ArgumentOutOfRangeException(nameof(options)),
        };
}
