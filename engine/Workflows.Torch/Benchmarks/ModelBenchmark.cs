using System.Diagnostics;
using TorchSharp;
using Workflows.Torch.Llama;
using static TorchSharp.torch;

namespace Workflows.Torch.Benchmarks;

/// <summary>
/// Measures model runtime on the CPU: forward throughput, KV-cache decoding speed and peak memory,
/// for the pretrained stories260K and a random Llama shaped like stories15M (throughput does not
/// depend on trained weights).
/// </summary>
public static class ModelBenchmark
{
    /// <summary>The stories15M architecture: dim 288, 6 layers, 6 heads, 6 kv heads, hidden 768, vocab 32000, context 256.</summary>
    public static LlamaConfig Stories15MShape { get; } = new()
    {
        HiddenSize = 288,
        IntermediateSize = 768,
        NumHiddenLayers = 6,
        NumAttentionHeads = 6,
        NumKeyValueHeads = 6,
        VocabSize = 32000,
        MaxPositionEmbeddings = 256,
        RmsNormEps = 1e-5,
        TieWordEmbeddings = true,
    };

    /// <summary>
    /// Runs every model at every thread count, smallest model first, and restores the thread count.
    /// The thread count is process-wide: run nothing else on the device meanwhile.
    /// </summary>
    public static IReadOnlyList<ModelBenchmarkResult> Run(ModelBenchmarkOptions options, Action<ModelBenchmarkResult>? progress = null)
    {
        var models = new List<(string Name, Func<LlamaForCausalLM> Create)>();
        if (options.Stories260KPath is not null)
        {
            models.Add(("stories260K", () => LlamaLoader.Load(options.Stories260KPath)));
        }

        if (options.IncludeStories15MShape)
        {
            models.Add(("stories15M-shape (random)", () => LlamaLoader.CreateRandom(Stories15MShape, seed: 0)));
        }

        var threadsBefore = get_num_threads();
        var results = new List<ModelBenchmarkResult>();
        try
        {
            foreach (var (name, create) in models)
            {
                using var model = create();
                foreach (var threads in options.Threads)
                {
                    set_num_threads(threads);
                    var result = Measure(name, model, threads, options);
                    progress?.Invoke(result);
                    results.Add(result);
                }
            }
        }
        finally
        {
            set_num_threads(threadsBefore);
        }

        return results;
    }

    private static ModelBenchmarkResult Measure(string name, LlamaForCausalLM model, int threads, ModelBenchmarkOptions options)
    {
        using var noGrad = no_grad();
        var length = Math.Min(options.ForwardTokens, model.Config.MaxPositionEmbeddings);
        using var cpuIds = randint(0, model.Config.VocabSize, [1, length], generator: new Generator(1));
        using var ids = cpuIds.to(model.Device);                                                        // (1, T)
        ForwardOnce(model, ids);                                                                        // warm-up
        var forwardRate = Fastest(options.Repeats, () =>
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < options.ForwardIterations; i++)
            {
                ForwardOnce(model, ids);
            }

            return (double)length * options.ForwardIterations / clock.Elapsed.TotalSeconds;
        });

        var decode = Math.Min(options.GeneratedTokens, model.Config.MaxPositionEmbeddings - 1);
        DecodeGreedy(model, 8);                                                                         // warm-up
        var generationRate = Fastest(options.Repeats, () =>
        {
            var clock = Stopwatch.StartNew();
            DecodeGreedy(model, decode);
            return decode / clock.Elapsed.TotalSeconds;
        });

        using var process = Process.GetCurrentProcess();
        return new ModelBenchmarkResult(name, threads, model.parameters().Sum(p => p.numel()), forwardRate, generationRate,
            process.PeakWorkingSet64, GC.GetGCMemoryInfo().HeapSizeBytes);
    }

    private static double Fastest(int repeats, Func<double> rate) =>
        Enumerable.Range(0, Math.Max(1, repeats)).Max(_ => rate());

    private static void ForwardOnce(LlamaForCausalLM model, Tensor ids)
    {
        using var scope = NewDisposeScope();
        model.forward(ids);
    }

    // Raw decoding speed: greedy, KV cache, never stopping early at an end token.
    private static void DecodeGreedy(LlamaForCausalLM model, int tokens)
    {
        using var cache = new KvCache(model.Config, 1, tokens + 1, model.Device, model.Dtype);
        var next = 1L;
        for (var i = 0; i < tokens; i++)
        {
            using var scope = NewDisposeScope();
            var logits = model.forward(tensor(new[] { next }, [1, 1], device: model.Device), cache);   // (1, 1, vocab)
            next = logits[0, -1].argmax().item<long>();
        }
    }
}
