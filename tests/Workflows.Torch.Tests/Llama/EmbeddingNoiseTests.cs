using NUnit.Framework;
using Workflows.Torch.Llama;
using Workflows.Torch.Tests.Evaluation;
using static TorchSharp.torch;

namespace Workflows.Torch.Tests.Llama;

/// <summary>NEFTune's embedding noise: only while training with a graph, and drawn from libtorch's seeded generator.</summary>
public class EmbeddingNoiseTests
{
    private static Tensor Hidden(LlamaForCausalLM model, Tensor ids, long seed)
    {
        manual_seed(seed);
        return model.model.forward(ids, null).detach();
    }

    private static float Difference(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    [Test]
    public void Forward_WithNoiseAlpha_ChangesTrainingOnly_AndRepeatsUnderTheSameSeed()
    {
        using var model = LlamaLoader.CreateRandom(GradientCase.Tiny(tied: true), seed: 5);
        using var ids = randint(0, 97, [2, 9], generator: new Generator(3));
        Tensor clean;
        using (no_grad()) clean = Hidden(model, ids, 1);
        model.model.EmbeddingNoiseAlpha = 5;
        model.train();
        using var grad = enable_grad();
        var noisy = Hidden(model, ids, 1);
        Assert.That(Difference(noisy, clean), Is.GreaterThan(1e-3f), "training with a graph adds noise");
        Assert.That(Difference(Hidden(model, ids, 1), noisy), Is.Zero, "the same seed draws the same noise");
        Assert.That(Difference(Hidden(model, ids, 2), noisy), Is.GreaterThan(0), "another seed, other noise");
        using (no_grad()) Assert.That(Difference(Hidden(model, ids, 1), clean), Is.Zero, "no noise without a graph (validation, generation)");
        model.eval();
        Assert.That(Difference(Hidden(model, ids, 1), clean), Is.Zero, "no noise in eval mode");
    }
}
