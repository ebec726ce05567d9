using NUnit.Framework;
using Workflows.Torch.Gguf;

namespace Workflows.Torch.Tests.Gguf;

[TestFixture]
public sealed class GgufQuantizerTests
{
    private static float[] Ramp() => Enumerable.Range(0, 32).Select(i => (i - 12) / 4f).ToArray();   // -3 .. 4.75

    [Test]
    public void Encode_Q8_0_BlockIsScaleThenRoundedCodes()
    {
        var bytes = GgufQuantizer.Encode(Ramp(), GgufTensorType.Q8_0);

        Assert.That(bytes, Has.Length.EqualTo(34));
        var d = (float)BitConverter.ToHalf(bytes, 0);
        Assert.That(d, Is.EqualTo((float)(Half)(4.75f / 127)));
        Assert.That((sbyte)bytes[2 + 31], Is.EqualTo(127), "the largest magnitude maps to 127");
        Assert.That((sbyte)bytes[2 + 0], Is.EqualTo((sbyte)MathF.Round(-3f * (127 / 4.75f))));
    }

    [Test]
    public void Encode_Q4_0_SplitsTheBlockIntoLowAndHighNibbles()
    {
        var bytes = GgufQuantizer.Encode(Ramp(), GgufTensorType.Q4_0);

        Assert.That(bytes, Has.Length.EqualTo(18));
        // d = (value of largest magnitude) / -8 = 4.75 / -8; value 31 (4.75) gives code -8 + 8 = 0.
        Assert.That((float)BitConverter.ToHalf(bytes, 0), Is.EqualTo((float)(Half)(4.75f / -8)));
        Assert.That(bytes[2 + 15] >> 4, Is.EqualTo(0), "value 31 is the high nibble of byte 15");
        Assert.That(bytes[2 + 12] & 0x0F, Is.EqualTo(8), "value 12 (0.0) is code 8, the low nibble of byte 12");
    }

    [TestCase(GgufTensorType.F16, 1e-3)]
    [TestCase(GgufTensorType.Q8_0, 4.75 / 127 / 2 + 1e-3)]
    [TestCase(GgufTensorType.Q4_0, 4.75 / 8 / 2 + 1e-3)]
    public void Decode_OfEncode_WithinHalfAStep(GgufTensorType type, double bound)
    {
        var values = Ramp();

        var decoded = GgufQuantizer.Decode(GgufQuantizer.Encode(values, type), type, values.Length);

        Assert.That(values.Zip(decoded, (a, b) => Math.Abs(a - b)).Max(), Is.LessThanOrEqualTo(bound));
    }

    [Test]
    public void Fits_RowNotAWholeNumberOfBlocks_OnlyFloatTypes()
    {
        Assert.Multiple(() =>
        {
            Assert.That(GgufQuantizer.Fits(GgufTensorType.Q8_0, 172), Is.False);
            Assert.That(GgufQuantizer.Fits(GgufTensorType.F16, 172), Is.True);
            Assert.That(GgufQuantizer.Fits(GgufTensorType.Q4_0, 64), Is.True);
        });
    }
}
