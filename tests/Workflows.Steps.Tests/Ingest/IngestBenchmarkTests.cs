using Workflows.Steps.Datasets;
using Workflows.Steps.Ingest;
using Workflows.Steps.Tests.TestSupport;

namespace Workflows.Steps.Tests.Ingest;

[TestFixture]
public sealed class IngestBenchmarkTests
{
    [Test]
    public async Task RunAsync_SmallRun_IngestsEveryGeneratedRowAndReportsFigures()
    {
        using var context = new TestStepContext();

        var figures = await IngestBenchmark.RunAsync(5_000, context.Root);

        Assert.That(figures.Rows, Is.EqualTo(5_000));
        Assert.That(figures.InputBytes, Is.EqualTo(new FileInfo(Path.Combine(context.Root, "bench.jsonl")).Length));
        Assert.That(figures.Seconds, Is.GreaterThan(0));
        Assert.That(figures.RowsPerSecond, Is.EqualTo(5_000 / figures.Seconds));
        Assert.That(figures.PeakWorkingSetBytes, Is.GreaterThan(0));
        var written = await DatasetFile.ReadAllAsync(Path.Combine(context.Root, "out-dataset"));
        Assert.That(written, Has.Count.EqualTo(5_000));
        Assert.That(written[^1].Instruction, Does.EndWith("#4999"));
    }
}
