using Workflows.Steps.Datasets;
using Workflows.Steps.Tests.TestSupport;

namespace Workflows.Steps.Tests.Datasets;

[TestFixture]
public sealed class DatasetFileTests
{
    private static DatasetRow Row(int n, RowKind kind = RowKind.Instruction)
    {
        var row = new DatasetRow
        {
            Id = "", SourceId = "src", SourceFile = "f.jsonl", SourceLine = n, Kind = kind,
            Instruction = $"q{n}", Output = $"a{n}", Label = n % 2 == 0 ? null : "odd",
            Messages = kind == RowKind.Conversation ? [new ChatMessage("user", "hé \"quoted\""), new ChatMessage("assistant", "ok")] : null,
        };
        return row with { Id = RowId.Of(row) };
    }

    [Test]
    public async Task WriteAllAsync_ThenReadAllAsync_RoundTripsEveryColumn()
    {
        using var context = new TestStepContext();
        var rows = Enumerable.Range(1, 5).Select(n => Row(n, n % 2 == 0 ? RowKind.Conversation : RowKind.Instruction)).ToList();

        await DatasetFile.WriteAllAsync(context.Root, rows);
        var read = await DatasetFile.ReadAllAsync(context.Root);

        Assert.That(read.Select(RowText.Of), Is.EqualTo(rows.Select(RowText.Of)));
        Assert.That(read.Select(r => (r.Id, r.SourceId, r.SourceFile, r.SourceLine)),
            Is.EqualTo(rows.Select(r => (r.Id, r.SourceId, r.SourceFile, r.SourceLine))));
    }

    [Test]
    public async Task WriteAllAsync_MoreRowsThanOneRowGroup_ReadsThemAllInOrder()
    {
        using var context = new TestStepContext();
        var count = DatasetWriter.RowGroupSize * 2 + 7;

        var written = await DatasetFile.WriteAllAsync(context.Root, Enumerable.Range(1, count).Select(n => Row(n)));

        var lines = new List<long>();
        await foreach (var row in DatasetFile.ReadAsync(context.Root)) lines.Add(row.SourceLine);
        Assert.That(written, Is.EqualTo(count));
        Assert.That(lines, Is.EqualTo(Enumerable.Range(1, count).Select(n => (long)n)));
    }

    [Test]
    public async Task WriteAllAsync_NoRows_WritesAReadableEmptyDataset()
    {
        using var context = new TestStepContext();

        await DatasetFile.WriteAllAsync(context.Root, []);

        Assert.That(await DatasetFile.ReadAllAsync(context.Root), Is.Empty);
    }

    [Test]
    public void ReadAsync_FolderWithoutData_ThrowsNamingTheFolder()
    {
        using var context = new TestStepContext();

        Assert.That(() => DatasetFile.ReadAsync(context.Root), Throws.TypeOf<FileNotFoundException>().With.Message.Contains(context.Root));
    }
}
