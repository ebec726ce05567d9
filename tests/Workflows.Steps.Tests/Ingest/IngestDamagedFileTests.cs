using Workflows.Steps.Datasets;
using Workflows.Steps.Ingest;
using Workflows.Steps.Tests.TestSupport;

namespace Workflows.Steps.Tests.Ingest;

/// <summary>Files that are not what their name says: one located error, no crash, no stack trace.</summary>
[TestFixture]
public sealed class IngestDamagedFileTests
{
    [Test]
    public async Task RunAsync_TextFileNamedParquet_FailsNamingTheFileAndTheProblem()
    {
        using var context = new TestStepContext();
        var path = context.WriteFile("data.parquet", "instruction,output\nHi,Hello\n");

        var result = await new IngestStep().RunAsync(new IngestOptions { Path = path }, context, CancellationToken.None);

        Assert.That(result.Success, Is.False);
        Assert.That(result.Error, Does.Contain("data.parquet:1: not a readable Parquet file").And.Contain("file_type:"));
        Assert.That(result.Error, Does.Not.Contain("   at "));
    }

    [Test]
    public async Task RunAsync_ParquetCutShort_FailsNamingTheFile()
    {
        using var context = new TestStepContext();
        var rows = Enumerable.Range(1, 50).Select(i => Rows.Text($"row {i}", i));
        var dataset = await Rows.WriteDatasetAsync(context, rows);
        var bytes = File.ReadAllBytes(DatasetFile.PathOf(dataset));
        var path = context.WriteFile("cut.parquet", bytes[..(bytes.Length / 2)]);

        var result = await new IngestStep().RunAsync(new IngestOptions { Path = path }, context, CancellationToken.None);

        Assert.That(result.Success, Is.False);
        Assert.That(result.Error, Does.Contain("cut.parquet:"));
    }

    [Test]
    public async Task RunAsync_DamagedGzip_FailsNamingTheFile()
    {
        using var context = new TestStepContext();
        var path = context.WriteFile("data.jsonl.gz", [0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff, 1, 2, 3, 4, 5]);

        var result = await new IngestStep().RunAsync(new IngestOptions { Path = path }, context, CancellationToken.None);

        Assert.That(result.Success, Is.False);
        Assert.That(result.Error, Does.Contain("data.jsonl.gz: cannot be read as jsonl"));
    }
}
