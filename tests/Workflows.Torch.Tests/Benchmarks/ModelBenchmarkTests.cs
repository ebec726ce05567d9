using NUnit.Framework;
using Workflows.Torch.Benchmarks;
using static TorchSharp.torch;

namespace Workflows.Torch.Tests.Benchmarks;

// The benchmark changes libtorch's process-wide thread count while it runs, so nothing else may run beside it.
[NonParallelizable]
public class ModelBenchmarkTests
{
    [Test]
    public void Run_SmallSettings_ReportsEveryThreadCountAndRestoresThreads()
    {
        var threadsBefore = get_num_threads();
        var options = new ModelBenchmarkOptions
        {
            Stories260KPath = SharedAssets.Stories260K,
            IncludeStories15MShape = false,
            Threads = [1, 2],
            ForwardTokens = 32,
            ForwardIterations = 1,
            GeneratedTokens = 8,
            Repeats = 1,
        };

        var results = ModelBenchmark.Run(options);

        Assert.That(results.Select(r => r.Threads), Is.EqualTo(new[] { 1, 2 }));
        Assert.That(results.Select(r => r.Parameters), Is.All.EqualTo(260_032));
        Assert.That(results.Select(r => r.ForwardTokensPerSecond), Is.All.GreaterThan(0));
        Assert.That(results.Select(r => r.GenerationTokensPerSecond), Is.All.GreaterThan(0));
        Assert.That(results.Select(r => r.PeakWorkingSetBytes), Is.All.GreaterThan(1_000_000));
        Assert.That(get_num_threads(), Is.EqualTo(threadsBefore));
    }

    [Test]
    public void Stories15MShape_HasStories15MParameterCount()
    {
        // 15.19M with tied embeddings: 32000*288 + 6*(4*288*288 + 3*288*768 + 2*288) + 288.
        using var model = Workflows.Torch.Llama.LlamaLoader.CreateRandom(ModelBenchmark.Stories15MShape, seed: 0);
        Assert.That(model.parameters().Sum(p => p.numel()), Is.EqualTo(15_191_712));
    }
}
