using Workflows.Steps.Train;

namespace Workflows.Steps.Tests.Train;

[TestFixture]
public sealed class LearningRateTests
{
    // Hugging Face's get_cosine_schedule_with_warmup(warmup 4, total 14): step/4 during warm-up, then
    // 0.5·(1 + cos(π·(step − 4)/10)). Step 0 runs at 0, the peak comes at step 4.
    [TestCase(0, 0.0)]
    [TestCase(1, 0.25)]
    [TestCase(2, 0.5)]
    [TestCase(3, 0.75)]
    [TestCase(4, 1.0)]
    [TestCase(9, 0.5)]
    [TestCase(13, 0.024471741852423234)]
    public void At_CosineWithWarmup_MatchesHuggingFaceValues(int step, double expected) =>
        Assert.That(LearningRate.At(step, 14, 4, SchedulerKind.Cosine, 1.0), Is.EqualTo(expected).Within(1e-12));

    // get_linear_schedule_with_warmup(warmup 2, total 10): step/2, then (10 − step)/8.
    [TestCase(0, 0.0)]
    [TestCase(1, 0.5)]
    [TestCase(2, 1.0)]
    [TestCase(6, 0.5)]
    [TestCase(9, 0.125)]
    public void At_LinearWithWarmup_MatchesHuggingFaceValues(int step, double expected) =>
        Assert.That(LearningRate.At(step, 10, 2, SchedulerKind.Linear, 1.0), Is.EqualTo(expected).Within(1e-12));

    [Test]
    public void At_NoWarmup_StartsAtThePeak()
    {
        Assert.That(LearningRate.At(0, 10, 0, SchedulerKind.Constant, 3e-4), Is.EqualTo(3e-4));
        Assert.That(LearningRate.At(0, 10, 0, SchedulerKind.Cosine, 3e-4), Is.EqualTo(3e-4));
    }
}
