using System.Runtime.Intrinsics;
using NUnit.Framework;
using Workflows.Torch.Llama;

namespace Workflows.Torch.Tests.Llama;

public class AttentionExpTests
{
    [Test]
    public void Of_ScoresBelowTheirMaximum_WithinTwoUlpOfExpAndLanesEqualTheScalarForm()
    {
        var worst = 0.0;
        for (var i = 0; i <= 200_000; i++)
        {
            var x = -87f * i / 200_000;
            var lanes = AttentionExp.Of(Vector256.Create(x, x * 0.5f, x * 0.25f, x * 0.125f, -x * 0, x * 0.9f, x * 0.01f, x * 0.001f));
            for (var lane = 0; lane < 8; lane++)
            {
                var input = lane switch { 0 => x, 1 => x * 0.5f, 2 => x * 0.25f, 3 => x * 0.125f, 4 => -x * 0, 5 => x * 0.9f, 6 => x * 0.01f, _ => x * 0.001f };
                var scalar = AttentionExp.Of(input);
                Assert.That(BitConverter.SingleToInt32Bits(lanes.GetElement(lane)), Is.EqualTo(BitConverter.SingleToInt32Bits(scalar)), $"exp({input}): lane and scalar differ");
                var exact = Math.Exp(input);
                worst = Math.Max(worst, Math.Abs(scalar - exact) / (exact * MathF.BitIncrement(1f) - exact));
            }
        }

        Assert.That(worst, Is.LessThanOrEqualTo(2.0), "largest error in units of the last place");
    }

    [Test]
    public void Of_BelowFloatsNormalRange_IsZero()
    {
        Assert.That(AttentionExp.Of(-90f), Is.EqualTo(0f));
        Assert.That(AttentionExp.Of(Vector256.Create(-1000f)).GetElement(3), Is.EqualTo(0f));
        Assert.That(AttentionExp.Of(0f), Is.EqualTo(1f));
    }
}
