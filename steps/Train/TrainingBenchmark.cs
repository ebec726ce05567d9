using System.Diagnostics;
using TorchSharp;
using Workflows.Torch.Adapters;
using Workflows.Torch.Benchmarks;
using Workflows.Torch.Engine;
using Workflows.Torch.Evaluation;
using Workflows.Torch.Llama;
using Workflows.Steps.Train.Preference;
using static TorchSharp.torch;

namespace Workflows.Steps.Train;

/// <summary>
/// Training throughput of one configuration on a random stories15M-shaped Llama: full fine-tune,
/// LoRA, QLoRA or DoRA (rank 8 on every projection), optimizer steps of batch × sequence tokens.
/// Meant to run alone in a process, so the process's peak working set is this configuration's.
/// </summary>
public static class TrainingBenchmark
{
    /// <summary>The methods measured: <c>full</c>, <c>lora</c>, <c>qlora</c>, <c>dora</c>, and <c>dpo</c> (the LoRA adapter
    /// trained with DPO on the same tokens, see <see cref="PreferenceBenchmark"/>).</summary>
    public static IReadOnlyList<string> Methods { get; } = ["full", "lora", "qlora", "dora", PreferenceBenchmark.Method];

    /// <summary>The C heap a configuration runs under: <c>compact</c> (<see cref="CompactHeap"/>, as training), <c>glibc</c>
    /// (glibc's defaults) or <c>release</c> (glibc's defaults with every block of 1 MiB or more returned when freed,
    /// <see cref="CpuHeap"/>: resident memory follows the live tensors, at more CPU time). The process must start under it.</summary>
    public static IReadOnlyList<string> Heaps { get; } = ["compact", "glibc", "release"];

    /// <summary>How the loss is taken from the final hidden states: <c>chunked</c> (<see cref="ChunkedCrossEntropy"/>,
    /// what training uses) or <c>full</c> (the whole batch's logits at once, as before).</summary>
    public static IReadOnlyList<string> HeadLosses { get; } = ["chunked", "full"];

    /// <summary>Measures one configuration. With <paramref name="workers"/> above 1 each step's batch (DPO: its pairs) is split
    /// into that many shards trained side by side (<see cref="DataParallel"/>, train's <c>workers</c>), each worker at <paramref name="threads"/>
    /// libtorch threads, and the ceiling is the sum of what the workers multiply at once, each its shard's rows.</summary>
    public static TrainingBenchmarkResult Run(string method, string dtype, int threads, int batch, int sequence, int steps,
        string headLoss = "chunked", bool checkpointing = false, string heap = "compact", int workers = 1)
    {
        if (workers > 1 && headLoss != "chunked")
            throw new ArgumentException("data-parallel workers split the chunked cross-entropy's batches; the whole-batch head loss runs on one worker", nameof(workers));
        set_num_threads(threads);
        if (heap == "release") CpuHeap.ReturnLargeBlocks();                          // training runs under CompactHeap instead
        var scalar = dtype == "bfloat16" ? ScalarType.BFloat16 : ScalarType.Float32;
        var config = ModelBenchmark.Stories15MShape with { MaxPositionEmbeddings = Math.Max(sequence, 256) };
        var model = LlamaLoader.CreateRandom(config, seed: 0, dtype: scalar);
        double? bits = null;
        if (method == "full")
        {
            foreach (var parameter in model.parameters()) parameter.requires_grad = true;
        }
        else
        {
            var lora = new LoraConfig { Rank = 8, Alpha = 16, TargetModules = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"], UseDora = method == "dora" };
            var nf4 = method == "qlora" ? new Nf4Options { ComputeDtype = scalar } : null;
            AdapterInjector.Apply(model, lora, nf4);
            if (nf4 is not null)
            {
                var weights = model.named_modules().Select(m => m.module).OfType<Nf4Linear>().Select(l => l.Weight).ToList();
                bits = weights.Sum(w => w.BitsPerParameter * w.Count) / weights.Sum(w => w.Count);
            }
        }

        model.train();
        model.model.GradientCheckpointing = checkpointing;
        var parameters = model.named_parameters().Where(p => p.parameter.requires_grad).Select(p => (p.name, (Tensor)p.parameter)).ToList();
        var optimizer = new AdamW(parameters, new OptimizerOptions { Lr = 1e-4 });
        using var ids = randint(0, config.VocabSize, [batch, sequence + 1], generator: new Generator(1));
        var inputs = ids.narrow(1, 0, sequence);
        var targets = ids.narrow(1, 1, sequence).contiguous();
        var clock = new Stopwatch();
        using var process = Process.GetCurrentProcess();
        var cpu = TimeSpan.Zero;
        var phases = new List<TrainingStepPhases>();
        for (var step = 0; step <= steps; step++)
        {
            if (step == 1)                                                           // step 0 warms up
            {
                clock.Start();
                process.Refresh();
                cpu = process.TotalProcessorTime;
            }

            using var scope = NewDisposeScope();
            // The chunked loss is also timed part by part (on the CPU every operation has finished when it returns).
            var phase = Stopwatch.StartNew();
            double? layersForward = null;
            Tensor? loss = null;
            if (workers > 1 && method == PreferenceBenchmark.Method)
            {
                // As preference training: the reference of the whole batch first, then the pairs in shards.
                var shards = DataParallel.Shards(batch / 2, workers);
                var (examples, references) = PreferenceBenchmark.Reference(model, ids, shards, workers, threads);
                DataParallel.Backward(parameters.Select(p => p.Item2).ToList(), shards.Count, workers, threads,
                    s => PreferenceBenchmark.PairsLoss(model, examples, references[s], shards[s].Start, shards[s].Count), s => (ulong)((step * 64) + s), model.Device, CancellationToken.None);
            }
            else if (workers > 1)
            {
                // Forward and backward of every shard, the gradients summed (DataParallel): nothing left for backward().
                var shards = DataParallel.Shards(batch, workers);
                DataParallel.Backward(parameters.Select(p => p.Item2).ToList(), shards.Count, workers, threads, s =>
                {
                    var (start, count) = shards[s];
                    var hidden = model.model.forward(inputs.narrow(0, start, count), null);
                    return ChunkedCrossEntropy.Of(model, hidden, targets.narrow(0, start, count), nn.Reduction.Sum, sumDivisor: (double)batch * sequence);
                }, s => (ulong)((step * 64) + s), model.Device, CancellationToken.None);
            }
            else if (method == PreferenceBenchmark.Method) loss = PreferenceBenchmark.Loss(model, ids);
            else if (headLoss == "full") loss = LanguageModelLoss.CrossEntropy(model.forward(inputs), targets);
            else
            {
                var hidden = model.model.forward(inputs, null);
                layersForward = phase.Elapsed.TotalMilliseconds;
                loss = ChunkedCrossEntropy.Of(model, hidden, targets);
            }

            var forward = phase.Elapsed.TotalMilliseconds;
            loss?.backward();
            var backward = phase.Elapsed.TotalMilliseconds;
            optimizer.Step(1e-4);
            optimizer.ZeroGrad();
            if (step > 0 && layersForward is { } layers)
                phases.Add(new TrainingStepPhases(layers, forward - layers, backward - forward, phase.Elapsed.TotalMilliseconds - backward));
        }

        clock.Stop();
        process.Refresh();
        cpu = process.TotalProcessorTime - cpu;
        var peak = process.PeakWorkingSet64; // before the ceiling's matmuls allocate their own tensors
        // The ceiling is measured in this process, with its threads, right after the training steps, so
        // both see the same machine load.
        var shardRows = DataParallel.Shards(batch, workers);
        var ceilings = new double[shardRows.Count];
        WorkerThreads.Run(shardRows.Count, workers, threads, w => ceilings[w] = TrainingFlops.MatmulGflopsPerSecond(config, shardRows[w].Count * sequence, scalar), CancellationToken.None);
        var ceiling = ceilings.Sum();
        return new TrainingBenchmarkResult(method, dtype, threads, parameters.Sum(p => p.Item2.numel()),
            (double)batch * sequence * steps / clock.Elapsed.TotalSeconds, peak, bits,
            (method == PreferenceBenchmark.Method ? PreferenceBenchmark.FlopsPerToken(config, sequence) : TrainingFlops.PerToken(config, sequence, fullFineTune: method == "full")) / 1e6, ceiling)
        {
            Workers = workers, HeadLoss = headLoss, Checkpointing = checkpointing, Heap = heap == "release" ? heap : CompactHeap.IsActive ? "compact" : "glibc", CpuSeconds = cpu.TotalSeconds,
            TokensTimed = (long)batch * sequence * steps, Phases = phases.Count > 0 ? TrainingStepPhases.Mean(phases) : null,
        };
    }
}
