using System.Diagnostics;
using TorchSharp;
using Workflows.Torch.Adapters;
using Workflows.Torch.Llama;
using Workflows.Torch.Merging;
using static TorchSharp.torch;

namespace Workflows.Torch.Benchmarks;

/// <summary>
/// Times the merge maths on the CPU: combining two random rank-r adapters (on all seven projections)
/// per method, and folding the result into a private copy of the base. Loading and copying the base
/// is not timed; each measurement keeps the fastest of several repeats.
/// </summary>
public static class MergeBenchmark
{
    private static readonly string[] Targets = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];

    /// <summary>The methods measured, in order.</summary>
    public static IReadOnlyList<string> Methods { get; } = ["lora", "dora", "linear", "cat", "svd", "ties", "dare_linear", "dare_ties"];

    /// <summary>Runs every method on stories260K (when <paramref name="stories260K"/> is given) and a random stories15M-shaped model.</summary>
    public static IReadOnlyList<MergeBenchmarkResult> Run(string? stories260K, int rank, int repeats, Action<MergeBenchmarkResult>? progress = null)
    {
        var models = new List<(string Name, Func<LlamaForCausalLM> Create)>();
        if (stories260K is not null) models.Add(("stories260K", () => LlamaLoader.Load(stories260K)));
        models.Add(("stories15M-shape (random)", () => LlamaLoader.CreateRandom(ModelBenchmark.Stories15MShape, seed: 0)));
        var results = new List<MergeBenchmarkResult>();
        foreach (var (name, create) in models)
        {
            foreach (var method in Methods)
            {
                var result = Measure(name, method, create, rank, repeats);
                progress?.Invoke(result);
                results.Add(result);
            }
        }

        return results;
    }

    private static MergeBenchmarkResult Measure(string name, string method, Func<LlamaForCausalLM> create, int rank, int repeats)
    {
        var dora = method == "dora";
        var config = new LoraConfig { Rank = rank, Alpha = 2 * rank, TargetModules = Targets, UseDora = dora };
        using var first = WithRandomAdapter(create, config, seed: 1);
        using var second = WithRandomAdapter(create, config, seed: 2);
        var paths = AdapterInjector.Adapters(first).Select(a => a.Path).ToList();
        var combine = double.MaxValue;
        var fold = double.MaxValue;
        long foldedRank = rank;
        for (var repeat = 0; repeat < repeats; repeat++)
        {
            var combined = new Dictionary<string, LowRankFactors>();
            var clock = Stopwatch.StartNew();
            if (method is not ("lora" or "dora"))
            {
                var generator = new Generator(0);
                foreach (var path in paths) combined[path] = Combine(method, [Factors(first, path), Factors(second, path)], rank, generator);
            }

            combine = Math.Min(combine, method is "lora" or "dora" ? 0 : clock.Elapsed.TotalMilliseconds);
            foldedRank = combined.Count > 0 ? combined.Values.First().Rank : rank;
            using var target = combined.Count > 0 ? WithFactors(create, config with { Rank = (int)foldedRank, Alpha = foldedRank, UseDora = false }, combined) : WithRandomAdapter(create, config, seed: 1);
            clock.Restart();
            AdapterMerger.MergeAll(target, ScalarType.Float32);
            fold = Math.Min(fold, clock.Elapsed.TotalMilliseconds);
            foreach (var factors in combined.Values) { factors.A.Dispose(); factors.B.Dispose(); }
        }

        return new MergeBenchmarkResult(name, method, paths.Count, foldedRank, combine, fold);
    }

    private static LowRankFactors Combine(string method, List<LowRankFactors> sources, int rank, Generator generator)
    {
        double[] weights = [0.6, 0.4];
        return method switch
        {
            "cat" => LowRankCombiner.Cat(sources, weights),
            "svd" => LowRankCombiner.Svd(sources, weights, rank),
            "linear" => LowRankCombiner.TaskArithmeticOnFactors(sources, weights, TaskArithmetic.Linear),
            "ties" => LowRankCombiner.TaskArithmeticOnFactors(sources, weights, (t, w) => TaskArithmetic.Ties(t, w, 0.5, MajoritySign.Total)),
            "dare_linear" => LowRankCombiner.TaskArithmeticOnFactors(sources, weights, (t, w) => TaskArithmetic.DareLinear(t, w, 0.5, generator)),
            _ => LowRankCombiner.TaskArithmeticOnFactors(sources, weights, (t, w) => TaskArithmetic.DareTies(t, w, 0.5, MajoritySign.Total, generator)),
        };
    }

    private static LowRankFactors Factors(nn.Module model, string path)
    {
        var layer = (LoraLinear)ModuleSurgery.Get(model, path);
        return new LowRankFactors(layer.lora_A.weight!, layer.lora_B.weight!, layer.Scaling);
    }

    private static LlamaForCausalLM WithRandomAdapter(Func<LlamaForCausalLM> create, LoraConfig config, long seed)
    {
        var model = create();
        AdapterInjector.Apply(model, config, seed: seed);
        var generator = new Generator((ulong)seed);
        using var noGrad = no_grad();
        foreach (var (_, layer) in AdapterInjector.Adapters(model)) layer.lora_B.weight!.copy_(randn(layer.lora_B.weight!.shape, generator: generator) * Scalars.Of(0.02));
        return model;
    }

    private static LlamaForCausalLM WithFactors(Func<LlamaForCausalLM> create, LoraConfig config, Dictionary<string, LowRankFactors> factors)
    {
        var model = create();
        AdapterInjector.Apply(model, config);
        using var noGrad = no_grad();
        foreach (var (path, layer) in AdapterInjector.Adapters(model))
        {
            layer.lora_A.weight!.copy_(factors[path].A);
            layer.lora_B.weight!.copy_(factors[path].B);
        }

        return model;
    }
}
