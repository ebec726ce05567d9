using Workflows.Steps.Datasets;
using Workflows.Steps.Ingest;
using Workflows.Steps.Tests.TestSupport;

namespace Workflows.Steps.Tests.Ingest;

[TestFixture]
public sealed class IngestDeterminismTests
{
    [Test]
    public async Task RunAsync_SameInputTwice_WritesByteIdenticalDataset()
    {
        var options = new IngestOptions { Path = "../shared/data/alpaca_en_demo/alpaca_en_demo.json" };
        using var first = new TestStepContext();
        using var second = new TestStepContext();

        await new IngestStep().RunAsync(options, first, CancellationToken.None);
        await Task.Delay(1100); // a timestamp in the file would now differ
        await new IngestStep().RunAsync(options, second, CancellationToken.None);

        var a = await File.ReadAllBytesAsync(DatasetFile.PathOf(first.Outputs["dataset"]));
        var b = await File.ReadAllBytesAsync(DatasetFile.PathOf(second.Outputs["dataset"]));
        Assert.That(a, Is.EqualTo(b));
    }

    [Test]
    public async Task RunAsync_SameContentOnDifferentLinesAndFiles_GetsTheSameId()
    {
        using var context = new TestStepContext();
        var path = context.WriteFile("a.jsonl", "{\"text\": \"same\"}\n{\"text\": \"other\"}\n{\"text\": \"same\"}\n");

        await new IngestStep().RunAsync(new IngestOptions { Path = path }, context, CancellationToken.None);

        var rows = await DatasetFile.ReadAllAsync(context.Outputs["dataset"]);
        Assert.That(rows[0].Id, Is.EqualTo(rows[2].Id).And.Not.EqualTo(rows[1].Id));
        Assert.That(rows.Select(r => r.SourceId), Is.EqualTo(rows.Select(r => r.Id)));
        Assert.That(rows.Select(r => r.SourceLine), Is.EqualTo(new long[] { 1, 2, 3 }));
        Assert.That(rows[0].Id, Is.EqualTo(RowId.Of(rows[0])).And.Length.EqualTo(32));
    }

    [Test]
    public async Task RunAsync_KnownLengths_ReportsLengthDistribution()
    {
        using var context = new TestStepContext();
        var lines = Enumerable.Range(1, 10).Select(n => $"{{\"text\": \"{new string('x', n)}\"}}");
        var path = context.WriteFile("a.jsonl", string.Join("\n", lines));

        await new IngestStep().RunAsync(new IngestOptions { Path = path }, context, CancellationToken.None);

        Assert.That(context.Metrics["chars_min"], Is.EqualTo(1));
        Assert.That(context.Metrics["chars_max"], Is.EqualTo(10));
        Assert.That(context.Metrics["chars_mean"], Is.EqualTo(5.5));
        Assert.That(context.Metrics["chars_p50"], Is.EqualTo(5));
        Assert.That(context.Metrics["chars_p90"], Is.EqualTo(9));
        Assert.That(context.Metrics["rows_read"], Is.EqualTo(10));
        Assert.That(context.Metrics["rows_kept"], Is.EqualTo(10));
    }
}
