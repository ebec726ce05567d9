using TorchSharp;
using TorchSharp.Modules;
using Workflows.Torch.Engine;
using static TorchSharp.torch;

namespace Workflows.Torch.Adapters;

/// <summary>
/// Wraps a linear layer with a LoRA update: <c>y = W x + s · B A drop(x)</c>; with DoRA, as PEFT,
/// <c>y = W x + (m/n − 1) ⊙ W drop(x) + (m/n) ⊙ s · B A drop(x)</c> with <c>n = ‖W + s·BA‖</c> per
/// output row, detached; the base bias, if any, stays outside the magnitude scaling (as PEFT). The base layer is kept unchanged beside A and B (a <see cref="Linear"/> or a
/// quantised <see cref="Nf4Linear"/>); parameter names follow PEFT: <c>base_layer.weight</c>,
/// <c>lora_A.weight</c>, <c>lora_B.weight</c>, <c>lora_magnitude_vector</c>.
/// The adapter's parameters are float32 whatever the base computes in (PEFT's
/// <c>autocast_adapter_dtype</c>): its input is cast to float32 and its output back to the base's
/// dtype, so small updates of A, B and m are never rounded away by bfloat16.
/// </summary>
public sealed class LoraLinear : nn.Module<Tensor, Tensor>
{
    public nn.Module<Tensor, Tensor> base_layer;
    public Linear lora_A;
    public Linear lora_B;
    public Parameter? lora_magnitude_vector;
    /// <summary>Dtype of A, B and the magnitude vector.</summary>
    public const ScalarType AdapterDtype = ScalarType.Float32;

    private readonly double _dropout;                                                     // probability; 0: none
    private Tensor? _mergedNorm;

    /// <summary>Wraps <paramref name="baseLayer"/>: A Kaiming-uniform (a = √5, as PEFT), B zeros, so the
    /// wrapped layer starts out computing exactly what the base layer computes.</summary>
    public LoraLinear(nn.Module<Tensor, Tensor> baseLayer, LoraConfig config)
        : base(nameof(LoraLinear))
    {
        base_layer = baseLayer;
        var (inFeatures, outFeatures, device) = Describe(baseLayer);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Scaling = config.Scaling;
        lora_A = nn.Linear(inFeatures, config.Rank, hasBias: false, device: device, dtype: AdapterDtype);
        lora_B = nn.Linear(config.Rank, outFeatures, hasBias: false, device: device, dtype: AdapterDtype);
        _dropout = config.Dropout;
        using (no_grad())
        {
            nn.init.kaiming_uniform_(lora_A.weight!, a: Math.Sqrt(5));
            nn.init.zeros_(lora_B.weight!);
            if (config.UseDora)
            {
                using var weight = BaseWeight().to_type(AdapterDtype);
                lora_magnitude_vector = nn.Parameter(weight.norm(1, keepdim: false));                      // (out)
            }
        }

        RegisterComponents();
        foreach (var parameter in base_layer.parameters()) parameter.requires_grad = false;
    }

    /// <summary>Input features of the base layer.</summary>
    public long InFeatures { get; }

    /// <summary>Output features of the base layer.</summary>
    public long OutFeatures { get; }

    /// <summary>The factor s on B A.</summary>
    public double Scaling { get; }

    /// <summary>True for DoRA (a magnitude vector is present).</summary>
    public bool IsDora => lora_magnitude_vector is not null;

    /// <summary>While true the layer computes the base layer alone, as PEFT's <c>disable_adapter()</c>: the
    /// frozen reference policy of preference training, with no second copy of the base.</summary>
    public bool Disabled { get; set; }

    /// <summary>True while the update is folded into the base weight (see <see cref="Merge"/>).</summary>
    public bool Merged { get; private set; }

    /// <summary><c>s · B A</c> (out × in).</summary>
    public Tensor Delta() => DeltaWeight.Of(lora_A.weight!, lora_B.weight!, Scaling);

    /// <summary>The base weight (out × in); dequantised for an NF4 base.</summary>
    public Tensor BaseWeight() => base_layer switch
    {
        Linear linear => linear.weight!.alias(),
        Nf4Linear nf4 => nf4.DequantisedWeight(),
        _ => throw new InvalidOperationException($"cannot read the weight of a {base_layer.GetType().Name}"),
    };

    /// <summary>The base layer's bias (frozen; LoRA never changes it), or null.</summary>
    public Tensor? BaseBias() => base_layer switch
    {
        Linear linear => linear.bias,
        Nf4Linear nf4 => nf4.bias,
        _ => null,
    };

    /// <summary>The single weight this layer is equivalent to (base plus update, DoRA-normalised),
    /// without changing anything: what <see cref="Merge"/> writes and a merged export stores.</summary>
    public Tensor EffectiveWeight()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var weight = BaseWeight();
        var delta = Delta();
        var combined = weight.Plus(delta);                                                                   // (out, in)
        if (IsDora) combined = (lora_magnitude_vector! / DeltaWeight.RowNorm(weight, delta)).unsqueeze(1) * combined;
        return scope.MoveToOuter(combined);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var result = base_layer.forward(x);                                                               // (…, out), the base's dtype
        if (Merged || Disabled) return scope.MoveToOuter(result);
        var input = x.to_type(AdapterDtype);
        // nn.Dropout's arithmetic, from the generator of the thread's data-parallel shard when it has one.
        var dropped = _dropout > 0 && training ? TrainingRandomness.Dropout(input, _dropout) : input;                 // (…, in)
        var lora = lora_B.forward(lora_A.forward(dropped)) * Scalars.Of(Scaling);                                     // (…, out), float32
        if (!IsDora) return scope.MoveToOuter(result.Plus(lora.to_type(result.dtype)));
        // PEFT's DoRA: the base term is recomputed on the dropped input, so with dropout the
        // magnitude rescales W·drop(x), not W·x; the norm is a constant to the gradient.
        var weight = BaseWeight().to_type(AdapterDtype);                                                  // (out, in)
        var scale = lora_magnitude_vector! / DeltaWeight.RowNorm(weight, Delta());                        // (out)
        var dora = ((scale - Scalars.Of(1L)) * nn.functional.linear(dropped, weight)).Plus(scale * lora);               // (…, out)
        return scope.MoveToOuter(result.Plus(dora.to_type(result.dtype)));
    }

    /// <summary>Folds the update into the base weight (a <see cref="Linear"/> only). Safe: the new
    /// weight is computed on a copy and refused if it holds NaN or Inf; <see cref="Unmerge"/> undoes it.</summary>
    public void Merge()
    {
        if (Merged) return;
        var linear = base_layer as Linear ?? throw new InvalidOperationException("merge needs a full-precision base layer; an NF4 base cannot hold the update");
        using var noGrad = no_grad();
        var weight = linear.weight!;                                              // the parameter itself: never dispose it
        using var delta = Delta();
        if (IsDora) _mergedNorm = DeltaWeight.RowNorm(weight, delta);
        using var merged = EffectiveWeight();
        if (!merged.isfinite().all().item<bool>()) throw new InvalidOperationException("merging would put NaN or Inf into the base weight; the adapter is broken");
        weight.copy_(merged);
        Merged = true;
    }

    /// <summary>Takes the update back out of the base weight: the mirror of <see cref="Merge"/>.</summary>
    public void Unmerge()
    {
        if (!Merged) return;
        using var noGrad = no_grad();
        var weight = ((Linear)base_layer).weight!;
        using var delta = Delta();
        using var combined = IsDora ? weight * (_mergedNorm! / lora_magnitude_vector!).unsqueeze(1) : weight.alias();
        weight.copy_(combined - delta);
        _mergedNorm?.Dispose();
        _mergedNorm = null;
        Merged = false;
    }

    private static (long In, long Out, Device Device) Describe(nn.Module<Tensor, Tensor> layer)
    {
        switch (layer)
        {
            case Linear linear:
                var weight = linear.weight!;
                return (weight.shape[1], weight.shape[0], weight.device);
            case Nf4Linear nf4:
                return (nf4.InFeatures, nf4.OutFeatures, nf4.Weight.Packed.device);
            default:
                throw new ArgumentException($"LoRA wraps linear layers; got a {layer.GetType().Name}");
        }
    }
}
