using static TorchSharp.torch;

namespace Workflows.Torch.Merging;

/// <summary>
/// PEFT's task-vector merges (<c>peft.utils.merge_utils</c>) on a stack of same-shaped tensors
/// (n, …) with one weight each: plain weighted sum, TIES (trim, elect sign, disjoint mean) and DARE
/// (random drop with rescale, then sum or TIES). Inputs are not changed; results are new tensors.
/// </summary>
public static class TaskArithmetic
{
    /// <summary><c>Σ wᵢ tᵢ</c>.</summary>
    public static Tensor Linear(Tensor tasks, Tensor weights)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter((tasks * Broadcast(weights, tasks)).sum(0L));
    }

    /// <summary>TIES: keep the top <paramref name="density"/> share of each task by magnitude, elect
    /// a sign per entry from the kept values, and average the weighted values that agree with it.</summary>
    public static Tensor Ties(Tensor tasks, Tensor weights, double density, MajoritySign method)
    {
        using var scope = NewDisposeScope();
        var pruned = stack(Enumerable.Range(0, (int)tasks.shape[0]).Select(i => MagnitudePrune(tasks[i], density)).ToArray());
        var mask = MajoritySignMask(pruned, method);
        return scope.MoveToOuter(DisjointMerge(pruned * Broadcast(weights, pruned), mask));
    }

    /// <summary>DARE then sum: each entry is dropped with probability 1 − <paramref name="density"/>
    /// and survivors are divided by <paramref name="density"/>, so each task keeps its expectation.</summary>
    public static Tensor DareLinear(Tensor tasks, Tensor weights, double density, Generator generator)
    {
        using var scope = NewDisposeScope();
        var pruned = RandomPrune(tasks, density, generator);
        return scope.MoveToOuter((pruned * Broadcast(weights, pruned)).sum(0L));
    }

    /// <summary>DARE then TIES' sign election and disjoint mean.</summary>
    public static Tensor DareTies(Tensor tasks, Tensor weights, double density, MajoritySign method, Generator generator)
    {
        using var scope = NewDisposeScope();
        var pruned = RandomPrune(tasks, density, generator);
        var mask = MajoritySignMask(pruned, method);
        return scope.MoveToOuter(DisjointMerge(pruned * Broadcast(weights, pruned), mask));
    }

    /// <summary>Zeroes all but the <c>⌊density · numel⌋</c> largest-magnitude entries of <paramref name="task"/>.</summary>
    public static Tensor MagnitudePrune(Tensor task, double density)
    {
        using var scope = NewDisposeScope();
        var k = (long)(density * task.numel());
        var flat = task.reshape(-1);
        var mask = zeros_like(flat);
        if (k > 0) mask.index_fill_(0, flat.abs().topk((int)k).indexes, Scalars.Of(1.0));
        return scope.MoveToOuter(task * mask.reshape(task.shape));
    }

    /// <summary>Bernoulli(<paramref name="density"/>) mask over every entry, survivors rescaled by 1 / density.</summary>
    /// <remarks>PEFT's <c>random_pruning</c> computes the division but discards it, so PEFT's DARE does not
    /// rescale; this one does, as the DARE paper (Yu et al., 2023) intends. The mask is drawn on the CPU with <paramref name="generator"/> (a CPU generator) and then
    /// moved, so a seed gives the same mask whatever device the tensors are on.</remarks>
    public static Tensor RandomPrune(Tensor tasks, double density, Generator generator)
    {
        using var scope = NewDisposeScope();
        var mask = bernoulli(full(tasks.shape, Scalars.Of(density), dtype: tasks.dtype, device: CPU), generator).to(tasks.device);
        return scope.MoveToOuter(tasks * mask / Scalars.Of(density));
    }

    /// <summary>True where a task's sign equals the elected sign: the sign of the summed values
    /// (<see cref="MajoritySign.Total"/>) or of the summed signs (<see cref="MajoritySign.Frequency"/>), ties → +.</summary>
    public static Tensor MajoritySignMask(Tensor tasks, MajoritySign method)
    {
        using var scope = NewDisposeScope();
        var sign = tasks.sign();
        var votes = method == MajoritySign.Total ? tasks.sum(0L) : sign.sum(0L);
        var elected = where(votes >= Scalars.Of(0L), ones_like(votes), -ones_like(votes));
        return scope.MoveToOuter(sign == elected);
    }

    // Mean over the tasks that agree with the elected sign; an entry no task keeps stays 0.
    private static Tensor DisjointMerge(Tensor weighted, Tensor mask)
    {
        var kept = (weighted * mask).sum(0L);
        var count = mask.sum(0L).to_type(weighted.dtype).clamp_min(Scalars.Of(1.0));
        return kept / count;
    }

    private static Tensor Broadcast(Tensor weights, Tensor tasks) =>
        weights.to_type(tasks.dtype).reshape([tasks.shape[0], .. Enumerable.Repeat(1L, (int)tasks.dim() - 1)]); // (n, 1, …)
}
