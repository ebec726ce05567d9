using NUnit.Framework;
using TorchSharp;
using Workflows.Torch.Adapters;
using Workflows.Torch.Evaluation;
using Workflows.Torch.Generation;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;
using static TorchSharp.torch;

namespace Workflows.Torch.Tests.Generation;

/// <summary>Generation under constant garbage collection on another thread: a native handle that managed code
/// no longer references (a scalar operand, a tensor) is then finalized while libtorch may still read it. Before every
/// operation held its Scalars, generation here failed within seconds ("Expected false to be true" from Scalar::toFloat).</summary>
public class GenerationStressTests
{
    private const int Added = 512;

    [Test]
    [Explicit("stress: runs for the given seconds")]
    [TestCase(60)]
    public void Generate_UnderConcurrentCollections_NeverFails(int seconds)
    {
        var model = LlamaLoader.Load(SharedAssets.Stories260K);
        var tokenizer = TokenizerLoader.ForModel(SharedAssets.Stories260K, model.Config);
        TrainableTokenRows.Attach(model, TrainableTokenRows.For(model, [Added, Added + 1]));
        AdapterInjector.Apply(model, new LoraConfig { Rank = 8 }, seed: 1);
        model.eval();
        tokenizer = tokenizer.WithAddedTokens(new Dictionary<string, int> { ["<|a|>"] = Added, ["<|b|>"] = Added + 1 });
        UnderCollections(seconds, round =>
        {
            var options = new GenerationOptions { MaxTokens = 16, Temperature = round % 2 == 0 ? 0 : 0.8, TopK = 20, Seed = round };
            TextGenerator.Generate(model, tokenizer, "Once upon a time", options);
            BatchGenerator.Generate(model, tokenizer, ["Once upon a time", "Tom and", "The cat"], options, batchSize: 3);
        });
    }

    [Test]
    [Explicit("stress: runs for the given seconds")]
    [TestCase(30)]
    public void LossBackward_UnderConcurrentCollections_NeverFails(int seconds)
    {
        var model = LlamaLoader.Load(SharedAssets.Stories260K);
        TrainableTokenRows.Attach(model, TrainableTokenRows.For(model, [Added, Added + 1]));
        AdapterInjector.Apply(model, new LoraConfig { Rank = 8, UseDora = true }, seed: 1);
        model.train();
        UnderCollections(seconds, round =>
        {
            using var scope = NewDisposeScope();
            var ids = randint(0, Added + 2, [2, 24], generator: new Generator((ulong)round));
            var hidden = model.model.forward(ids.narrow(1, 0, 23), null);
            var loss = ChunkedCrossEntropy.Of(model, hidden, ids.narrow(1, 1, 23), rowsPerChunk: 8);
            loss.backward();
            foreach (var parameter in model.parameters()) parameter.grad?.zero_();
        });
    }

    // Runs body(round) until the time is up while another thread collects and finalizes without pause.
    private static void UnderCollections(int seconds, Action<int> body)
    {
        var stop = false;
        var collections = 0;
        var collector = new Thread(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                collections++;
            }
        }) { IsBackground = true };
        collector.Start();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var rounds = 0;
        try
        {
            while (clock.Elapsed.TotalSeconds < seconds) body(rounds++);
        }
        finally
        {
            Volatile.Write(ref stop, true);
            collector.Join();
            TestContext.Out.WriteLine($"{rounds} rounds, {collections} collections in {clock.Elapsed.TotalSeconds:F1} s");
        }
    }
}
