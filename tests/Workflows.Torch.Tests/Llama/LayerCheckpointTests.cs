using NUnit.Framework;
using TorchSharp;
using Workflows.Torch.Evaluation;
using Workflows.Torch.Tests.Evaluation;
using static TorchSharp.torch;

namespace Workflows.Torch.Tests.Llama;

public class LayerCheckpointTests
{
    [TestCase(false, 0.0)]                                   // full fine-tuning: every weight and the input embedding
    [TestCase(true, 0.0)]                                    // LoRA: the first layer's input needs no gradient
    [TestCase(true, 0.3)]                                    // LoRA dropout: the recomputation must draw the same masks
    public void GradientCheckpointing_OneStep_GivesTheSameLossAndGradients(bool lora, double dropout)
    {
        var model = GradientCase.Model(tied: true, lora, dropout: dropout);
        var (inputs, targets) = GradientCase.Batch(model.Config.VocabSize);
        manual_seed(11);
        var expected = GradientCase.Backward(model, LanguageModelLoss.CrossEntropy(model.forward(inputs), targets));
        model.model.GradientCheckpointing = true;
        manual_seed(11);
        var actual = GradientCase.Backward(model, LanguageModelLoss.CrossEntropy(model.forward(inputs), targets));

        Assert.That(actual.Loss, Is.EqualTo(expected.Loss));
        Assert.That(actual.Grads.Select(g => g.Name), Is.EqualTo(expected.Grads.Select(g => g.Name)));
        for (var i = 0; i < expected.Grads.Count; i++)
        {
            Assert.That(expected.Grads[i].Grad.abs().max().item<float>(), Is.GreaterThan(0), $"{expected.Grads[i].Name}: the case must train it");
            Assert.That(TensorAssert.Identical(actual.Grads[i].Grad, expected.Grads[i].Grad), expected.Grads[i].Name);
        }
    }

    [Test]
    public void GradientCheckpointing_WithChunkedLossAndDropout_RestoresTheRandomStateAfterBackward()
    {
        var model = GradientCase.Model(tied: true, lora: true, dropout: 0.3);
        var (inputs, targets) = GradientCase.Batch(model.Config.VocabSize);
        manual_seed(11);
        ChunkedCrossEntropy.ForInputs(model, inputs, targets).backward();
        var plain = rand(4);
        model.model.GradientCheckpointing = true;
        manual_seed(11);
        ChunkedCrossEntropy.ForInputs(model, inputs, targets).backward();
        var checkpointed = rand(4);

        Assert.That(TensorAssert.Identical(checkpointed, plain), Is.True, "backward must leave the generator where the forward left it");
    }

    [Test]
    public void GradientCheckpointing_WithoutGrad_RunsThePlainForward()
    {
        var model = GradientCase.Model(tied: false, lora: false);
        model.eval();
        var (inputs, _) = GradientCase.Batch(model.Config.VocabSize);
        using var noGrad = no_grad();
        var expected = model.forward(inputs);
        model.model.GradientCheckpointing = true;

        Assert.That(TensorAssert.Identical(model.forward(inputs), expected), Is.True);
    }
}
