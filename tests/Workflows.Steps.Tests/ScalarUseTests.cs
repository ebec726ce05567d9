using Workflows.Steps.Train;
using Workflows.Testing;

namespace Workflows.Steps.Tests;

/// <summary>The steps' tensor code (losses, optimiser, gradient clipping) passes libtorch only Scalars it holds.</summary>
public class ScalarUseTests
{
    [Test]
    public void CompiledSteps_EveryTensorOperation_PassesOnlyHeldScalars()
    {
        var found = TemporaryScalarScan.Find(typeof(AdamW).Assembly.Location);
        Assert.That(found, Is.Empty, "these calls pass TorchSharp a Scalar a collection can free mid-op; use Scalars.Of, Plus or a using'd ToScalar()");
    }
}
