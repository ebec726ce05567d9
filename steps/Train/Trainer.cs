using System.Diagnostics;
using TorchSharp;
using Workflows.Engine.Steps;
using Workflows.Steps.Datasets;
using Workflows.Torch;
using Workflows.Torch.Adapters;
using Workflows.Torch.Engine;
using Workflows.Torch.Evaluation;
using Workflows.Torch.Llama;
using Workflows.Steps.Train.Preference;
using static TorchSharp.torch;

namespace Workflows.Steps.Train;

/// <summary>
/// The optimisation loop: AdamW on the adapter parameters, warm-up and decay, gradient
/// accumulation and clipping, periodic validation with early stopping and a best-adapter copy,
/// and checkpoints that a re-run resumes from. Data order and dropout masks are functions of the
/// seed and the step index, so a resumed run repeats exactly what an uninterrupted one does.
/// </summary>
public sealed class Trainer(LlamaForCausalLM model, LoraConfig config, TrainOptions options, IStepContext context,
    TrainingData train, TrainingData? validation, PreferenceObjective? preference = null, bool preferenceValidation = false)
{
    private bool Validating => validation is not null || preferenceValidation;

    private readonly List<(string Name, Tensor Parameter)> _parameters =
        AdapterInjector.TrainableParameters(model).Select(p => (p.Name, (Tensor)p.Parameter)).ToList();

    private IReadOnlyList<Tensor> Trainable => [.. _parameters.Select(p => p.Parameter)];

    /// <summary>Optimizer steps the run will take.</summary>
    public int TotalSteps => options.MaxSteps ?? (int)Math.Ceiling(options.Epochs * (double)BatchesPerEpoch / options.GradAccumulation);

    private int BatchesPerEpoch => (TrainCount + options.BatchSize - 1) / options.BatchSize;

    private int TrainCount => preference?.TrainCount ?? train.Examples.Count;

    /// <summary>Trains from the last checkpoint (or the start) to the end; returns the final state, or
    /// an error line when the loss stops being finite.</summary>
    public (TrainingState State, string? Error) Run(CancellationToken cancellationToken)
    {
        using var compute = TrainingCompute.Enter(model, options);
        var optimizer = new AdamW(_parameters, options.Optimizer);
        var state = TrainingCheckpoint.TryRestore(context.StateDirectory, model, optimizer);
        if (state is not null) context.Log($"resuming from the checkpoint at step {state.Step}");
        var checkpointed = state?.Step;                                      // the step a re-run would resume from
        state ??= Start();
        while (state.Step < TotalSteps)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var step = state.Step;
            var clock = Stopwatch.StartNew();
            var lr = LearningRate.At(step, TotalSteps, options.WarmupSteps, options.Scheduler, options.Optimizer.Lr);
            var (loss, tokens, inputTokens) = Accumulate(step, cancellationToken);
            if (!double.IsFinite(loss))
            {
                var kept = checkpointed is { } at ? $"the checkpoint at step {at} is kept in the step's state folder" : "no checkpoint had been written yet";
                return (state, $"loss became {loss} at step {step + 1}; training stopped and {kept}. Lower optimizer.lr, raise warmup_steps or set max_grad_norm");
            }

            var gradNorm = ClipGradients();
            optimizer.Step(lr);
            optimizer.ZeroGrad();
            state = state with { Step = step + 1, Tokens = state.Tokens + tokens, LastLoss = loss, TrainLosses = [.. state.TrainLosses, loss] };
            context.LogMetric("loss", loss, state.Step);
            context.LogMetric("lr", lr, state.Step);
            context.LogMetric("grad_norm", gradNorm, state.Step);
            context.LogMetric("tokens_per_second", inputTokens / Math.Max(clock.Elapsed.TotalSeconds, 1e-9), state.Step);
            var stop = false;
            if (Validating && (state.Step % options.EvalEvery == 0 || state.Step == TotalSteps)) (state, stop) = Evaluate(state);
            if (stop || state.Step % options.CheckpointEvery == 0 || state.Step == TotalSteps)
            {
                TrainingCheckpoint.Save(context.StateDirectory, model, config, optimizer, state);
                checkpointed = state.Step;
            }

            context.ReportProgress((double)state.Step / TotalSteps, $"step {state.Step}/{TotalSteps} loss {loss:F3}");
            if (stop)
            {
                context.Log($"early stopping at step {state.Step}: no better {options.EarlyStopping!.Metric} for {options.EarlyStopping.Patience} evaluations (best at step {state.BestStep}, val_loss {state.BestValLoss:F4})");
                break;
            }
        }

        return (state, null);
    }

    /// <summary>Mean loss per target token of <paramref name="data"/> under the current adapter. Batches are shared among
    /// the step's workers; each is computed alone and the sums are added in batch order, so the value does not depend
    /// on how many workers there are.</summary>
    public double Loss(TrainingData data)
    {
        model.eval();
        var batches = data.Examples.Chunk(options.BatchSize).ToList();
        var sums = new double[batches.Count];
        var counts = new long[batches.Count];
        WorkerThreads.Run(batches.Count, WorkerThreads.On(model.Device, options.Workers), options.Threads, b =>
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var (inputs, targets, tokens) = BatchMaker.Make(batches[b], model.Device);
            sums[b] = ChunkedCrossEntropy.ForInputs(model, inputs, targets, nn.Reduction.Sum, documents: BatchMaker.Documents(batches[b], model.Device)).item<float>();
            counts[b] = tokens;
        }, CancellationToken.None);
        double total = 0;
        foreach (var sum in sums) total += sum;
        var count = counts.Sum();
        return count == 0 ? double.NaN : total / count;
    }

    private TrainingState Start()
    {
        if (!Validating) return new TrainingState();
        var (baseLoss, baseScore) = ValidationLoss(0);                      // adapters start as the identity
        TrainingCheckpoint.SaveBest(context.StateDirectory, model, config);
        return new TrainingState { BaseValLoss = baseLoss, LastValLoss = baseLoss, BestValLoss = baseLoss, BestScore = baseScore, ValLosses = [[0, baseLoss]] };
    }

    // Forward and backward over the step's micro-batches, each in `workers` shards; the loss is normalised by the
    // step's target tokens, so accumulating k micro-batches equals one batch k times larger.
    private (double Loss, long Tokens, long InputTokens) Accumulate(int step, CancellationToken cancellationToken)
    {
        model.train();
        torch.manual_seed((options.Seed * 1_000_003L) + step);             // dropout masks depend on the step only
        var indices = Enumerable.Range(step * options.GradAccumulation, options.GradAccumulation).Select(MicroBatch).ToList();
        if (preference is not null)
        {
            var (preferenceLoss, trained, input, metrics) = preference.Accumulate(indices, Trainable,
                (micro, shard) => ShardSeed(step, micro, shard), cancellationToken);
            foreach (var (name, value) in metrics) context.LogMetric(name, value, step + 1);
            return (preferenceLoss, trained, input);
        }

        var batches = indices.Select(b => b.Select(i => train.Examples[i]).ToArray()).ToList();
        var tokens = batches.Sum(b => (long)b.Sum(e => e.TrainedTokens - (e.Labels[0] >= 0 ? 1 : 0)));
        var inputTokens = batches.Sum(b => (long)b.Sum(e => e.Ids.Length - 1));
        double loss = 0;
        var trainable = Trainable;
        for (var micro = 0; micro < batches.Count; micro++)
        {
            var (batch, index) = (batches[micro], micro);
            var shards = DataParallel.Shards(batch.Length, options.Workers);
            var losses = DataParallel.Backward(trainable, shards.Count, options.Workers, options.Threads, shard =>
            {
                var rows = batch.AsSpan(shards[shard].Start, shards[shard].Count).ToArray();
                var (inputs, targets, _) = BatchMaker.Make(rows, model.Device);
                return ChunkedCrossEntropy.ForInputs(model, inputs, targets, nn.Reduction.Sum, sumDivisor: Math.Max(tokens, 1), BatchMaker.Documents(rows, model.Device));
            }, shard => ShardSeed(step, index, shard), model.Device, cancellationToken);
            loss += losses.Sum();
        }

        return (loss, tokens, inputTokens);
    }

    // The generator seed of a data-parallel shard: where it is in the run, so a resumed run draws the same numbers.
    private ulong ShardSeed(int step, int micro, int shard) => StableRandom.Hash(options.Seed, "shard", step, micro, shard);

    // The k-th micro-batch: epoch k / batchesPerEpoch, in that epoch's seeded shuffle.
    private int[] MicroBatch(int k)
    {
        var epoch = k / BatchesPerEpoch;
        var order = Enumerable.Range(0, TrainCount).ToArray();
        StableRandom.For(options.Seed, "epoch", epoch).Shuffle(order);           // the same order in every process
        return order.Skip(k % BatchesPerEpoch * options.BatchSize).Take(options.BatchSize).ToArray();
    }

    // Validation loss (logged as val_loss): cross-entropy for SFT, the objective's loss for preference
    // training, which also logs TRL's eval_rewards/* and eval_logps/* metrics. The score is the early-stopping
    // metric oriented so that lower is better.
    private (double Loss, double Score) ValidationLoss(int step)
    {
        var loss = preference is null ? Loss(validation!) : double.NaN;
        var score = double.NaN;
        if (preference is not null)
        {
            (loss, var metrics) = preference.Validate();
            foreach (var (name, value) in metrics) context.LogMetric(name, value, step);
            if (options.EarlyStopping?.Metric is { } metric && metric != EarlyStoppingOptions.ValLoss) score = -metrics.GetValueOrDefault(metric, double.NaN);
        }

        context.LogMetric("val_loss", loss, step);
        return (loss, double.IsNaN(score) ? loss : score);
    }

    private double ClipGradients()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var grads = _parameters.Select(p => p.Parameter.grad).OfType<Tensor>().ToList();
        var norm = Math.Sqrt(grads.Sum(g => g.to_type(ScalarType.Float32).pow(Scalars.Of(2L)).sum().item<float>()));
        if (options.MaxGradNorm > 0 && norm > options.MaxGradNorm)
        {
            using var factor = (options.MaxGradNorm / (norm + 1e-6)).ToScalar();                     // per step: not held for the process
            foreach (var grad in grads) grad.mul_(factor);
        }

        return norm;
    }

    private (TrainingState State, bool Stop) Evaluate(TrainingState state)
    {
        var (loss, score) = ValidationLoss(state.Step);
        state = state with { ValLosses = [.. state.ValLosses, [state.Step, loss]] };
        if (score < (state.BestScore ?? state.BestValLoss ?? double.PositiveInfinity))
        {
            TrainingCheckpoint.SaveBest(context.StateDirectory, model, config);
            return (state with { LastValLoss = loss, BestValLoss = loss, BestScore = score, BestStep = state.Step, EvalsWithoutImprovement = 0 }, false);
        }

        var waited = state.EvalsWithoutImprovement + 1;
        return (state with { LastValLoss = loss, EvalsWithoutImprovement = waited }, waited >= (options.EarlyStopping?.Patience ?? int.MaxValue));
    }
}
