using Workflows.Steps.EvalData;
using Workflows.Steps.Tests.TestSupport;

namespace Workflows.Steps.Tests.Evaluate;

[TestFixture]
public sealed class ExampleReaderTests
{
    [Test]
    public async Task Read_DatasetFolder_MapsCanonicalKindsToItems()
    {
        using var context = new TestStepContext();
        var folder = await Rows.WriteDatasetAsync(context,
            [Rows.Instruction("Add 2 and 3", "5"), Rows.Text("a great film", label: "1"), Rows.Text("Once upon a time"), Rows.Chat("hi", "hello")]);
        var set = await ExampleReader.ReadAsync(folder, "ds", new FieldMapping(), context.TempDirectory, CancellationToken.None);
        Assert.That(set.Error, Is.Null);
        Assert.That(set.Examples.Select(e => $"{e.Prompt}|{e.Target}|{e.Text}|{e.Label}"),
            Is.EqualTo(new[] { "Add 2 and 3|5||", "a great film|||1", "||Once upon a time|", "hi|hello||" }));
    }

    [Test]
    public async Task Read_RawTsvWithMapping_ReadsSst2Rows()
    {
        using var context = new TestStepContext();
        var path = Path.Combine(RepoPaths.SharedData, "sst2", "dev.tsv");
        var set = await ExampleReader.ReadAsync(path, "dev.tsv", new FieldMapping { Prompt = "sentence" }, context.TempDirectory, CancellationToken.None);
        Assert.That(set.Examples, Has.Count.EqualTo(6735));
        Assert.That(set.Examples.Select(e => e.Label).Distinct().Order(), Is.EqualTo(new[] { "0", "1" }));
        Assert.That(set.Examples[0].Id, Is.EqualTo("dev.tsv:2"));
    }

    [Test]
    public async Task Read_MissingFile_SaysWhereItLooked()
    {
        using var context = new TestStepContext();
        var set = await ExampleReader.ReadAsync("/nowhere/x.jsonl", "x.jsonl", new FieldMapping(), context.TempDirectory, CancellationToken.None);
        Assert.That(set.Error, Does.Contain("'x.jsonl' not found"));
    }
}
