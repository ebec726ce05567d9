using TorchSharp;
using Workflows.Steps.Train;
using Workflows.Torch.Adapters;
using Workflows.Torch.Evaluation;
using Workflows.Torch.Llama;
using static TorchSharp.torch;

namespace Workflows.Steps.Tests.Train;

/// <summary><c>workers</c>: a batch split into shards computed side by side trains as the whole batch does, and the same
/// way whichever thread computes which shard.</summary>
[TestFixture]
public sealed class DataParallelTests
{
    [TestCase(8, 2, "0+4 4+4")]
    [TestCase(7, 3, "0+3 3+2 5+2")]
    [TestCase(2, 4, "0+1 1+1")]
    [TestCase(5, 1, "0+5")]
    public void Shards_Rows_ContiguousRangesWithinOneOfEachOther(int rows, int shards, string expected) =>
        Assert.That(string.Join(" ", DataParallel.Shards(rows, shards).Select(s => $"{s.Start}+{s.Count}")), Is.EqualTo(expected));

    [TestCase(true)]
    [TestCase(false)]
    public void Backward_TwoShardsOnTwoWorkers_SameLossAndGradientsAsTheWholeBatch(bool lora)
    {
        using var model = Model(lora, dropout: 0);
        var (inputs, targets) = Batch();
        var (wholeLoss, whole) = Run(model, inputs, targets, shards: 1, workers: 1);
        var (splitLoss, split) = Run(model, inputs, targets, shards: 2, workers: 2);
        Assert.That(splitLoss, Is.EqualTo(wholeLoss).Within(1e-4).Percent);
        Assert.That(split, Has.Count.EqualTo(whole.Count));
        for (var i = 0; i < whole.Count; i++)
            Assert.That(split[i].allclose(whole[i], rtol: 1e-4, atol: 1e-6), Is.True, $"gradient {i}: largest difference {(split[i] - whole[i]).abs().max().item<float>()}");
    }

    [Test]
    public void Backward_TwoWorkers_SameBitsAsTheShardsOneAfterAnother()
    {
        // Dropout, NEFTune's noise and checkpointing's replay of them all draw random numbers inside the shards.
        using var model = Model(lora: true, dropout: 0.2, checkpointing: true, noise: 5);
        var (inputs, targets) = Batch();
        var (_, alone) = Run(model, inputs, targets, shards: 2, workers: 1);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var (_, together) = Run(model, inputs, targets, shards: 2, workers: 2);
            for (var i = 0; i < alone.Count; i++) Assert.That(Values(together[i]), Is.EqualTo(Values(alone[i])), $"attempt {attempt}, gradient {i}");
        }

        var (_, reseeded) = Run(model, inputs, targets, shards: 2, workers: 2, seed: 100);
        Assert.That(Enumerable.Range(0, alone.Count).Any(i => !Values(reseeded[i]).SequenceEqual(Values(alone[i]))), Is.True, "the masks come from the shards' seeds");
    }

    [Test]
    public void Backward_GradientCheckpointing_ReplaysEachShardsOwnMasks()
    {
        using var plain = Model(lora: true, dropout: 0.2, noise: 5);
        using var recomputed = Model(lora: true, dropout: 0.2, checkpointing: true, noise: 5);
        var (inputs, targets) = Batch();
        var (plainLoss, expected) = Run(plain, inputs, targets, shards: 2, workers: 2);
        var (loss, actual) = Run(recomputed, inputs, targets, shards: 2, workers: 2);
        Assert.That(loss, Is.EqualTo(plainLoss).Within(1e-4).Percent);
        for (var i = 0; i < expected.Count; i++) Assert.That(actual[i].allclose(expected[i], rtol: 1e-4, atol: 1e-6), Is.True, $"gradient {i}");
    }

    [Test]
    public async Task RunAsync_TwoWorkers_ValidatesAsOneWorkerAndRepeats()
    {
        var one = await TrainAsync(1);
        var two = await TrainAsync(2);
        var again = await TrainAsync(2);
        Assert.That(two.Metrics["base_val_loss"], Is.EqualTo(one.Metrics["base_val_loss"]), "validation batches are computed alone and summed in order");
        Assert.That(two.Metrics["best_val_loss"], Is.LessThan(two.Metrics["base_val_loss"]));
        Assert.That(two.Adapter, Is.Not.EqualTo(one.Adapter), "shards draw their own dropout masks");
        Assert.That(again.Adapter, Is.EqualTo(two.Adapter));
    }

    [Test]
    public void Validate_WorkersMoreThanTheBatch_IsAnError()
    {
        var options = new TrainOptions { Model = "m", Train = "t", Workers = 2, BatchSize = 4 };
        Assert.That(Enum.GetValues<TrainObjective>().SelectMany(o => (options with { Objective = o }).Validate()), Is.Empty, "every objective");
        Assert.That((options with { Workers = 8 }).Validate().Single().Key, Is.EqualTo("workers"));
        Assert.That((options with { Workers = 8 }).Validate().Single().Message, Does.Contain("more than batch_size 4"));
    }

    private static Task<(IReadOnlyDictionary<string, double> Metrics, byte[] Adapter)> TrainAsync(int workers) =>
        TrainTestData.TrainAsync(o => o with { Workers = workers });

    private static LlamaForCausalLM Model(bool lora, double dropout, bool checkpointing = false, double noise = 0)
    {
        var config = new LlamaConfig
        {
            HiddenSize = 32, IntermediateSize = 48, NumHiddenLayers = 2, NumAttentionHeads = 4, NumKeyValueHeads = 2,
            VocabSize = 97, MaxPositionEmbeddings = 16, RmsNormEps = 1e-5,
        };
        var model = LlamaLoader.CreateRandom(config, seed: 3);
        if (lora)
        {
            AdapterInjector.Apply(model, new LoraConfig { Rank = 4, Alpha = 8, Dropout = dropout, TargetModules = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"] });
            using var noGrad = no_grad();
            var generator = new Generator(5);
            foreach (var (_, layer) in AdapterInjector.Adapters(model)) layer.lora_B.weight!.copy_(randn(layer.lora_B.weight!.shape, generator: generator) * 0.1);   // off zero, so A has gradients
        }
        else
        {
            foreach (var parameter in model.parameters()) parameter.requires_grad = true;
        }

        model.train();
        model.model.GradientCheckpointing = checkpointing;
        model.model.EmbeddingNoiseAlpha = noise;
        return model;
    }

    private static float[] Values(Tensor tensor) => tensor.data<float>().ToArray();

    // (4, 11) inputs and targets, a few targets ignored as masked prompt tokens are.
    private static (Tensor Inputs, Tensor Targets) Batch()
    {
        var ids = randint(0, 97, [4, 12], generator: new Generator(7));
        var targets = ids.narrow(1, 1, 11).contiguous();
        targets[0, TensorIndex.Slice(0, 4)] = tensor(-100L);
        targets[3, 10] = tensor(-100L);
        return (ids.narrow(1, 0, 11).contiguous(), targets);
    }

    // The summed loss of the shards and a copy of every trainable parameter's gradient after one DataParallel.Backward.
    private static (double Loss, List<Tensor> Grads) Run(LlamaForCausalLM model, Tensor inputs, Tensor targets, int shards, int workers, ulong seed = 0)
    {
        var parameters = model.parameters().Where(p => p.requires_grad).Cast<Tensor>().ToList();
        foreach (var parameter in parameters) parameter.grad = null;
        var counted = targets.ne(-100L).sum().item<long>();
        var rows = DataParallel.Shards((int)inputs.shape[0], shards);
        manual_seed(1);
        set_num_threads(1);                                                  // as every worker: the trainer sets its thread count first
        var losses = DataParallel.Backward(parameters, rows.Count, workers, 1, s =>
        {
            var (start, count) = rows[s];
            var hidden = model.model.forward(inputs.narrow(0, start, count), null);
            return ChunkedCrossEntropy.Of(model, hidden, targets.narrow(0, start, count), nn.Reduction.Sum, sumDivisor: counted);
        }, s => seed + (ulong)s, CPU, CancellationToken.None);
        return (losses.Sum(), [.. parameters.Select(p => p.grad!.clone())]);
    }
}
