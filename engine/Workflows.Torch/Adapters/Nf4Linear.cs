using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Workflows.Torch.Adapters;

/// <summary>
/// A frozen linear layer whose weight is stored as NF4 and dequantised to the compute dtype on
/// every forward (QLoRA's base layer). Its weight lives in buffers and its bias (kept in full
/// precision, as bitsandbytes does) is frozen, so nothing in it trains.
/// </summary>
/// <remarks>Quantise on the device the layer will run on (the injector quantises where the model
/// already is): the codes live in <see cref="Weight"/>, which <c>module.to(device)</c> does not move.</remarks>
public sealed class Nf4Linear : nn.Module<Tensor, Tensor>
{
    public Parameter? bias;
    private readonly ScalarType _computeDtype;

    /// <summary>Quantises <paramref name="weight"/> (out × in) with <paramref name="options"/>;
    /// <paramref name="bias"/> (out), when given, is copied and stays unquantised.</summary>
    public Nf4Linear(Tensor weight, Nf4Options options, Tensor? bias = null)
        : base(nameof(Nf4Linear))
    {
        if (bias is not null)
        {
            this.bias = nn.Parameter(bias.detach().clone(), requires_grad: false);
            register_parameter("bias", this.bias);
            this.bias.requires_grad = false;
        }

        Weight = Nf4Weight.Quantise(weight, options);
        _computeDtype = options.ComputeDtype;
        InFeatures = weight.shape[1];
        OutFeatures = weight.shape[0];
        register_buffer("weight_packed", Weight.Packed);
        register_buffer("weight_absmax", Weight.Absmax);
        if (Weight.AbsmaxScales is not null) register_buffer("weight_absmax_scales", Weight.AbsmaxScales);
    }

    /// <summary>The quantised weight.</summary>
    public Nf4Weight Weight { get; }

    /// <summary>Input features.</summary>
    public long InFeatures { get; }

    /// <summary>Output features.</summary>
    public long OutFeatures { get; }

    /// <summary>Dtype of the dequantised weight and of the matmul.</summary>
    public ScalarType ComputeDtype => _computeDtype;

    /// <summary>The weight dequantised to the compute dtype (out × in).</summary>
    public Tensor DequantisedWeight() => Weight.Dequantise(_computeDtype);

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = nn.functional.linear(x.to_type(_computeDtype), DequantisedWeight(), bias?.to_type(_computeDtype)); // (…, out)
        return scope.MoveToOuter(y.to_type(x.dtype));
    }
}
