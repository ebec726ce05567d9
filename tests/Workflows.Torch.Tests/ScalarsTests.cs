using NUnit.Framework;
using TorchSharp;
using Workflows.Testing;
using static TorchSharp.torch;

namespace Workflows.Torch.Tests;

/// <summary>Number operands that libtorch can read for as long as an op runs.</summary>
public class ScalarsTests
{
    [Test]
    public void CompiledEngine_EveryTensorOperation_PassesOnlyHeldScalars()
    {
        var found = TemporaryScalarScan.Find(typeof(Scalars).Assembly.Location, typeof(Scalars).FullName!);
        Assert.That(found, Is.Empty, "these calls pass TorchSharp a Scalar a collection can free mid-op; use Scalars.Of, Plus or a using'd ToScalar()");
    }

    [Test]
    public void Of_AfterCollections_StillTheSameValue()
    {
        var held = Scalars.Of(0.25);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var x = ones(3);
        Assert.That((x * Scalars.Of(0.25)).data<float>().ToArray(), Is.EqualTo(new[] { 0.25f, 0.25f, 0.25f }));
        Assert.That(Scalars.Of(0.25), Is.SameAs(held));
    }

    [Test]
    public void Helpers_GiveTheBitsOfTorchSharpsOperators()
    {
        using var scope = NewDisposeScope();
        var a = randn([4, 5], generator: new Generator(1));
        var b = randn([4, 5], generator: new Generator(2));
        Assert.That(TensorAssert.Identical(a.Plus(b), a + b), Is.True);
        Assert.That(TensorAssert.Identical(a.Plus(Scalars.Of(0.5)), a + 0.5), Is.True);
        Assert.That(TensorAssert.Identical(a.SubtractedFrom(Scalars.Of(1L)), 1 - a), Is.True);
        Assert.That(TensorAssert.Identical(Scalars.Range(3, 9), arange(3, 9)), Is.True);
        Assert.That(TensorAssert.Identical(a.clone().PlusInPlace(b), a.clone().add_(b)), Is.True);
    }
}
