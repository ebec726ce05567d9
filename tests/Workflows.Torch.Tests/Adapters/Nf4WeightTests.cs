using NUnit.Framework;
using TorchSharp;
using Workflows.Torch.Adapters;
using static TorchSharp.torch;

namespace Workflows.Torch.Tests.Adapters;

public class Nf4WeightTests
{
    [TestCase(64)]
    [TestCase(32)]
    public void Dequantise_RandomWeight_ErrorWithinHalfLargestGapPerBlock(int blockSize)
    {
        var weight = randn([96, 200], generator: new Generator(7)) * 0.02;        // 19,200 weights: 300 blocks of 64
        using var nf4 = Nf4Weight.Quantise(weight, new Nf4Options { BlockSize = blockSize, DoubleQuant = false });
        using var error = (nf4.Dequantise(ScalarType.Float32) - weight).abs().flatten().view(-1, blockSize);   // (nb, bs)
        using var bound = nf4.BlockAbsmax() * (Nf4Codebook.LargestGap / 2) * 1.0001f;
        Assert.That((error.amax([1L]) <= bound).all().item<bool>(), Is.True);
        Assert.That(error.max().item<float>(), Is.GreaterThan(0f));
    }

    [Test]
    public void Dequantise_DoubleQuant_ErrorWithinBoundPlusAbsmaxError()
    {
        var weight = randn([128, 256], generator: new Generator(3));
        using var single = Nf4Weight.Quantise(weight, new Nf4Options { DoubleQuant = false });
        using var nf4 = Nf4Weight.Quantise(weight, new Nf4Options { DoubleQuant = true });
        using var trueAbsmax = single.BlockAbsmax();
        using var absmaxError = (nf4.BlockAbsmax() - trueAbsmax).abs();             // ≤ half an 8-bit step of its group
        using var error = (nf4.Dequantise(ScalarType.Float32) - weight).abs().view(-1, 64).amax([1L]);
        using var bound = (trueAbsmax * (Nf4Codebook.LargestGap / 2)) + absmaxError + 1e-6f;
        Assert.That((error <= bound).all().item<bool>(), Is.True);
        Assert.That((absmaxError / trueAbsmax).max().item<float>(), Is.LessThan(0.02f));
    }

    [Test]
    public void Quantise_Codebook_EveryLevelRoundTripsExactly()
    {
        // One block holding each level once (times absmax 2) plus padding zeros: NF4 is exact on its own levels.
        var levels = tensor(Nf4Codebook.Levels.ToArray()) * 2;
        using var nf4 = Nf4Weight.Quantise(levels.view(1, 16), new Nf4Options { BlockSize = 16, DoubleQuant = false });
        Assert.That(nf4.Dequantise(ScalarType.Float32).data<float>().ToArray(), Is.EqualTo(levels.data<float>().ToArray()));
        Assert.That(nf4.Packed.data<byte>().ToArray(), Is.EqualTo(new byte[] { 0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF }));
    }

    [TestCase(false, 4.5)]
    [TestCase(true, 4.127)]
    public void BitsPerParameter_Stories15MLayer_AtMost4Point6(bool doubleQuant, double expected)
    {
        using var nf4 = Nf4Weight.Quantise(randn([768, 288]), new Nf4Options { DoubleQuant = doubleQuant });
        Assert.That(nf4.BitsPerParameter, Is.EqualTo(expected).Within(0.001).And.LessThanOrEqualTo(4.6));
    }

    [Test]
    public void Forward_QloraLayer_EqualsLoraOnDequantisedWeight()
    {
        var weight = randn([48, 64], generator: new Generator(5)) * 0.1;
        var nf4 = new Nf4Linear(weight, new Nf4Options { ComputeDtype = ScalarType.Float32 });
        var plain = nn.Linear(64, 48, hasBias: false);
        using (no_grad()) plain.weight!.copy_(nf4.DequantisedWeight());
        var config = new LoraConfig { Rank = 4 };
        var qlora = new LoraLinear(nf4, config);
        var lora = new LoraLinear(plain, config);
        using (no_grad())
        {
            lora.lora_A.weight!.copy_(qlora.lora_A.weight!);
            qlora.lora_B.weight!.copy_(randn([48, 4], generator: new Generator(9)));
            lora.lora_B.weight!.copy_(qlora.lora_B.weight!);
        }

        using var x = randn([3, 64], generator: new Generator(1));
        using var expected = lora.forward(x);
        Assert.That(TensorAssert.Identical(qlora.forward(x), expected), Is.True);
    }
}
