using TorchSharp;
using Workflows.Torch.Engine;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace Workflows.Torch.Llama;

/// <summary>
/// Gradient checkpointing of one decoder layer (as <c>torch.utils.checkpoint</c> does it): the forward
/// pass runs without recording a graph and keeps only the layer's input; backward runs the layer again
/// with a graph and takes its gradients from there. Activation memory of the stack drops from every
/// layer's intermediates to one hidden state per layer, for one more forward pass of the layers.
/// The random state (dropout masks, from the thread's <see cref="TrainingRandomness"/>) is restored for the second pass, so it computes the same values
/// and the gradients equal those of the plain layer.
/// </summary>
public sealed class LayerCheckpoint : SingleTensorFunction<LayerCheckpoint>
{
    public override string Name => nameof(LayerCheckpoint);

    /// <summary>The layer's output for <paramref name="x"/> (B, T, C), recomputed in backward.</summary>
    public static Tensor Apply(LlamaDecoderLayer layer, int index, Tensor x, Tensor cos, Tensor sin, Tensor? mask = null)
    {
        // The trained parameters are inputs of the node, so backward reaches them even when x needs no
        // gradient (the first layer's input, under a frozen embedding), and hands back their gradients.
        var parameters = layer.parameters().Where(p => p.requires_grad).Cast<Tensor>().ToArray();
        return apply([layer, index, x, cos, sin, mask ?? empty(0, dtype: ScalarType.Bool), .. parameters]);
    }

    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var (layer, index, x, cos, sin) = ((LlamaDecoderLayer)vars[0], (int)vars[1], (Tensor)vars[2], (Tensor)vars[3], (Tensor)vars[4]);
        var mask = (Tensor)vars[5];                                                              // empty: none
        using var state = TrainingRandomness.GetState();
        ctx.save_data("layer", layer);
        ctx.save_data("index", index);
        ctx.save_data("x_requires_grad", x.requires_grad);
        ctx.save_data("rng", state.data<byte>().ToArray());
        ctx.save_for_backward([x, cos, sin, mask]);
        // apply runs this without a graph; the scope frees the intermediates now, not when the step ends.
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(layer.forward(x, cos, sin, null, index, MaskOrNull(mask)));
    }

    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
    {
        var layer = (LlamaDecoderLayer)ctx.get_data("layer");
        var index = (int)ctx.get_data("index");
        var xRequiresGrad = (bool)ctx.get_data("x_requires_grad");
        var saved = ctx.get_saved_variables();
        var parameters = layer.parameters().Where(p => p.requires_grad).Cast<Tensor>().ToList();
        using var scope = NewDisposeScope();
        var after = TrainingRandomness.GetState();
        using (var forwardState = tensor((byte[])ctx.get_data("rng"))) TrainingRandomness.SetState(forwardState);
        IList<Tensor> grads;
        Tensor input;
        try
        {
            using var grad = enable_grad();
            input = saved[0].detach().requires_grad_(xRequiresGrad);
            var output = layer.forward(input, saved[1], saved[2], null, index, MaskOrNull(saved[3]));
            grads = autograd.grad([output], xRequiresGrad ? [input, .. parameters] : parameters, [grad_output], allow_unused: true);
        }
        finally
        {
            TrainingRandomness.SetState(after);                                                            // the rest of backward sees the state it had
        }

        // One gradient per forward argument: none for the layer, its index, cos, sin and the mask.
        var result = new List<Tensor?> { null, null, xRequiresGrad ? grads[0] : null, null, null, null };
        result.AddRange(grads.Skip(xRequiresGrad ? 1 : 0).Select(g => g is { IsInvalid: false } ? g : null));
        foreach (var g in result.OfType<Tensor>()) scope.MoveToOuter(g);
        return result!;
    }

    private static Tensor? MaskOrNull(Tensor mask) => mask.numel() == 0 ? null : mask;
}
