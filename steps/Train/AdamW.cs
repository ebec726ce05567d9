using TorchSharp;
using Workflows.Torch;
using static TorchSharp.torch;

namespace Workflows.Steps.Train;

/// <summary>
/// AdamW (Loshchilov and Hutter) over named parameters. Written out rather than taken from
/// TorchSharp so its whole state is two tensors per parameter plus a step count, which the
/// checkpoint saves and restores exactly; resuming then continues bit for bit.
/// A parameter kept in a narrower dtype than float32 (a bfloat16 model trained in full) also gets a
/// float32 master copy, as mixed-precision training keeps one: the update is applied to the master and
/// the parameter is the master rounded. Without it, an update smaller than half a bfloat16 step (a
/// relative 2⁻⁹, so most updates at fine-tuning learning rates) would round away and never add up.
/// </summary>
public sealed class AdamW
{
    private readonly IReadOnlyList<(string Name, Tensor Parameter)> _parameters;
    private readonly OptimizerOptions _options;
    private readonly Dictionary<string, (Tensor M, Tensor V)> _moments = new();
    private readonly Dictionary<string, Tensor> _masters = new();                                // float32 copies of narrower parameters

    public AdamW(IEnumerable<(string Name, Tensor Parameter)> parameters, OptimizerOptions options)
    {
        _parameters = parameters.ToList();
        _options = options;
        using var noGrad = no_grad();
        foreach (var (name, parameter) in _parameters)
        {
            _moments[name] = (zeros_like(parameter, dtype: ScalarType.Float32), zeros_like(parameter, dtype: ScalarType.Float32));
            if (parameter.dtype != ScalarType.Float32) _masters[name] = parameter.detach().to_type(ScalarType.Float32);
        }
    }

    /// <summary>The names of the parameters that have a float32 master copy (those not in float32 themselves).</summary>
    public IReadOnlyCollection<string> MasterCopies => _masters.Keys;

    /// <summary>Updates applied so far.</summary>
    public long Steps { get; private set; }

    /// <summary>One update with learning rate <paramref name="lr"/> from the gradients present.</summary>
    public void Step(double lr)
    {
        Steps++;
        var (beta1, beta2) = (_options.Betas[0], _options.Betas[1]);
        var correction1 = 1 - Math.Pow(beta1, Steps);
        var correction2 = 1 - Math.Pow(beta2, Steps);
        using var noGrad = no_grad();
        using var c1 = correction1.ToScalar();                                                    // per step: not held for the process
        using var c2 = correction2.ToScalar();
        using var rate = lr.ToScalar();
        using var decay = (1 - (lr * _options.WeightDecay)).ToScalar();
        foreach (var (name, parameter) in _parameters)
        {
            using var scope = NewDisposeScope();
            var grad = parameter.grad;
            if (grad is null) continue;
            var (m, v) = _moments[name];
            var g = grad.to_type(ScalarType.Float32);
            m.mul_(Scalars.Of(beta1)).add_(g, alpha: Scalars.Of(1 - beta1));
            v.mul_(Scalars.Of(beta2)).addcmul_(g, g, value: Scalars.Of(1 - beta2));
            var update = (m / c1) / (v / c2).sqrt().Plus(Scalars.Of(_options.Eps));
            var master = _masters.GetValueOrDefault(name);
            var p32 = master ?? parameter.to_type(ScalarType.Float32);
            var next = (p32 * decay) - (update * rate);
            master?.copy_(next);
            parameter.copy_(next);
        }
    }

    /// <summary>Clears every gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var (_, parameter) in _parameters) parameter.grad?.zero_();
    }

    /// <summary>The state as named tensors (<c>name.exp_avg</c>, <c>name.exp_avg_sq</c>, and <c>name.master</c> for a
    /// master copy) for a checkpoint.</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> State() => _moments.SelectMany(pair => new[]
    {
        new KeyValuePair<string, Tensor>(pair.Key + ".exp_avg", pair.Value.M),
        new KeyValuePair<string, Tensor>(pair.Key + ".exp_avg_sq", pair.Value.V),
    }).Concat(_masters.Select(pair => new KeyValuePair<string, Tensor>(pair.Key + MasterSuffix, pair.Value)));

    private const string MasterSuffix = ".master";

    /// <summary>Restores <see cref="State"/> and the step count.</summary>
    public void Restore(Func<string, Tensor> read, long steps)
    {
        using var noGrad = no_grad();
        foreach (var (name, (m, v)) in _moments)
        {
            using var storedM = read(name + ".exp_avg");
            using var storedV = read(name + ".exp_avg_sq");
            m.copy_(storedM);
            v.copy_(storedV);
        }

        foreach (var (name, master) in _masters)
        {
            using var stored = read(name + MasterSuffix);                                        // the parameter holds it rounded
            master.copy_(stored);
        }

        Steps = steps;
    }
}
