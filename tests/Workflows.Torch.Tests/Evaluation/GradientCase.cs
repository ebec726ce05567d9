using TorchSharp;
using Workflows.Torch.Adapters;
using Workflows.Torch.Llama;
using static TorchSharp.torch;

namespace Workflows.Torch.Tests.Evaluation;

/// <summary>A tiny random Llama with trainable parameters, a batch with ignored targets, and the loss and
/// gradients of one backward pass, for comparing two ways of computing the same training step.</summary>
internal static class GradientCase
{
    public static LlamaConfig Tiny(bool tied) => new()
    {
        HiddenSize = 32,
        IntermediateSize = 48,
        NumHiddenLayers = 2,
        NumAttentionHeads = 4,
        NumKeyValueHeads = 2,
        VocabSize = 97,
        MaxPositionEmbeddings = 16,
        RmsNormEps = 1e-5,
        TieWordEmbeddings = tied,
    };

    /// <summary>Every weight trainable (full fine-tuning), or LoRA (rank 4, B off zero) on every projection
    /// (and on the untied <c>lm_head</c> with <paramref name="adaptHead"/>).</summary>
    public static LlamaForCausalLM Model(bool tied, bool lora, ScalarType dtype = ScalarType.Float32, double dropout = 0, bool adaptHead = false)
    {
        var model = LlamaLoader.CreateRandom(Tiny(tied), seed: 3, dtype: dtype);
        if (lora)
        {
            List<string> targets = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];
            if (adaptHead) targets.Add("lm_head");
            AdapterInjector.Apply(model, new LoraConfig { Rank = 4, Alpha = 8, Dropout = dropout, TargetModules = targets });
            Adapters.AdapterModels.Perturb(model, seed: 5);
        }
        else
        {
            foreach (var parameter in model.parameters()) parameter.requires_grad = true;
        }

        model.train();
        return model;
    }

    /// <summary>(inputs, targets) of shape (3, 11); a few targets are ignored, as masked prompt tokens are.</summary>
    public static (Tensor Inputs, Tensor Targets) Batch(long vocab)
    {
        var ids = randint(0, vocab, [3, 12], generator: new Generator(7));
        var targets = ids.narrow(1, 1, 11).contiguous();
        targets[0, TensorIndex.Slice(0, 4)] = tensor(-100L);
        targets[2, 10] = tensor(-100L);
        return (ids.narrow(1, 0, 11).contiguous(), targets);
    }

    /// <summary>Runs backward on <paramref name="loss"/>; returns its value and a copy of every trainable parameter's gradient.</summary>
    public static (double Loss, List<(string Name, Tensor Grad)> Grads) Backward(nn.Module model, Tensor loss)
    {
        foreach (var parameter in model.parameters()) parameter.grad = null;
        loss.backward();
        var grads = model.named_parameters().Where(p => p.parameter.requires_grad)
            .Select(p => (p.name, p.parameter.grad!.to_type(ScalarType.Float32).clone())).ToList();
        return (loss.item<float>(), grads);
    }
}
