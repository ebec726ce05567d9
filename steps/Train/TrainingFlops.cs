using System.Diagnostics;
using Workflows.Torch.Llama;
using static TorchSharp.torch;

namespace Workflows.Steps.Train;

/// <summary>
/// The arithmetic a training step of a Llama needs and the matmul speed this process gets at the
/// model's own shapes, so a benchmark can say how close it comes to its ceiling (model FLOPs utilisation).
/// </summary>
public static class TrainingFlops
{
    /// <summary>How the FLOPs per token are counted, for printing beside the figures.</summary>
    public const string Formula =
        "FLOPs/token = k·P + 12·L·T·d, P = L·(2d² + 2d·d_kv + 3d·h) + d·V (matmul weights touched per token), " +
        "k = 4 with frozen base weights (forward 2P + activation gradients 2P; LoRA/DoRA/QLoRA adapters, norms, softmax not counted), " +
        "k = 6 for full fine-tuning (+2P weight gradients); 12·L·T·d = attention scores and values, forward 4·L·T·d, backward 8·L·T·d";

    /// <summary>FLOPs per trained token of <paramref name="config"/> at sequence length <paramref name="sequence"/>.</summary>
    public static double PerToken(LlamaConfig config, int sequence, bool fullFineTune)
    {
        double d = config.HiddenSize, h = config.IntermediateSize, l = config.NumHiddenLayers, v = config.VocabSize;
        double kv = config.HeadDim * config.KeyValueHeads;
        var weights = l * (2 * d * config.HeadDim * config.NumAttentionHeads + 2 * d * kv + 3 * d * h) + d * v;
        return (fullFineTune ? 6 : 4) * weights + 12 * l * sequence * d;
    }

    /// <summary>
    /// Matmul GFLOP/s at the model's projection shapes (rows = batch × sequence) in <paramref name="dtype"/>,
    /// with this process's torch threads: each shape timed best of <paramref name="repeats"/> (the product alone,
    /// into an output allocated once), weighted by how often a forward pass multiplies it. This is the ceiling
    /// the training figures are compared with.
    /// </summary>
    public static double MatmulGflopsPerSecond(LlamaConfig config, int rows, ScalarType dtype, int repeats = 3)
    {
        int d = config.HiddenSize, h = config.IntermediateSize, l = config.NumHiddenLayers;
        int q = config.HeadDim * config.NumAttentionHeads, kv = config.HeadDim * config.KeyValueHeads;
        var shapes = new (int In, int Out, int Count)[] { (d, q, l), (q, d, l), (d, kv, 2 * l), (d, h, 2 * l), (h, d, l), (d, config.VocabSize, 1) };
        double flops = 0, seconds = 0;
        using var generator = new Generator(3);
        foreach (var (inputs, outputs, count) in shapes)
        {
            using var scope = NewDisposeScope();
            var x = randn([rows, inputs], generator: generator).to(dtype);
            var w = randn([outputs, inputs], generator: generator).to(dtype);
            var transposed = w.t();                                                  // x·wᵀ, as linear multiplies
            // Into one output written over and over: a fresh one per product would time the allocator too.
            // The head's (2048 × 32,000) float32 output is 250 MiB, above the compact heap's mmap threshold,
            // so each would be a new mapping whose every page faults in zeroed, on the calling thread alone:
            // about a sixth of the float32 ceiling at one thread, and more of it at two.
            var output = empty([rows, outputs], dtype);
            output.addmm_(x, transposed, beta: 0, alpha: 1);                         // warm-up
            var best = double.MaxValue;
            for (var i = 0; i < repeats; i++)
            {
                var clock = Stopwatch.StartNew();
                output.addmm_(x, transposed, beta: 0, alpha: 1);
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
            }
            flops += 2.0 * rows * inputs * outputs * count;
            seconds += best * count;
        }
        return flops / seconds / 1e9;
    }
}
