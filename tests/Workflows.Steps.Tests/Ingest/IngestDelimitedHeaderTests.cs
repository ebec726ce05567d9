using Workflows.Steps.Datasets;
using Workflows.Steps.Ingest;
using Workflows.Steps.Tests.TestSupport;

namespace Workflows.Steps.Tests.Ingest;

/// <summary>CSV/TSV files without a header row, laid out like AG News' <c>dev.tsv</c>.</summary>
[TestFixture]
public sealed class IngestDelimitedHeaderTests
{
    private const string AgNews = "3\tWall St. Bears Claw Back Into the Black (Reuters) Short-sellers are seeing green again.\n" +
        "4\tCarlyle Looks Toward Commercial Aerospace (Reuters) Private investment firm Carlyle Group\n" +
        "1\tOil and Economy Cloud Stocks' Outlook (Reuters) Soaring crude prices plus worries\n";

    [Test]
    public async Task RunAsync_HeaderlessTsvWithColumnNames_ReadsTheFirstRowAsData()
    {
        using var context = new TestStepContext();
        var path = context.WriteFile("dev.tsv", AgNews);

        var result = await new IngestStep().RunAsync(new IngestOptions { Path = path, Header = false, ColumnNames = ["label", "text"] }, context, CancellationToken.None);

        Assert.That(result.Error, Is.Null);
        var rows = await DatasetFile.ReadAllAsync(context.Outputs["dataset"]);
        Assert.That(rows.Select(r => (r.Kind, r.Label, r.SourceLine)), Is.EqualTo(new[]
        {
            (RowKind.Classification, "3", 1L), (RowKind.Classification, "4", 2L), (RowKind.Classification, "1", 3L),
        }));
        Assert.That(rows[0].Text, Does.StartWith("Wall St. Bears"));
    }

    [Test]
    public async Task RunAsync_HeaderlessTsvRead_SaysTheFirstRowLooksLikeDataAndShowsTheFix()
    {
        using var context = new TestStepContext();
        var path = context.WriteFile("dev.tsv", AgNews);

        var result = await new IngestStep().RunAsync(new IngestOptions { Path = path }, context, CancellationToken.None);

        Assert.That(result.Success, Is.False);
        Assert.That(result.Error, Does.Contain("dev.tsv:2: unknown format: fields [3, Wall St.").And.Contain("first row looks like data")
            .And.Contain("header: false").And.Contain("column_names: [label, text]"));
    }

    [Test]
    public async Task RunAsync_HeaderFalseOnJsonLines_FailsNamingTheOption()
    {
        using var context = new TestStepContext();
        var path = context.WriteFile("a.jsonl", "{\"text\": \"a\"}\n");

        var result = await new IngestStep().RunAsync(new IngestOptions { Path = path, Header = false, ColumnNames = ["text"] }, context, CancellationToken.None);

        Assert.That(result.Error, Does.Contain("header: false and column_names: apply to csv and tsv"));
    }

    [Test]
    public void Load_HeaderFalseWithoutColumnNames_IsALocatedValidationError()
    {
        using var workflow = new TempWorkflow("""
            api_version: workflows/v1
            name: headerless
            steps:
              ingest: { uses: ingest, with: { path: dev.tsv, header: false } }
            """);
        workflow.WriteFile("dev.tsv", AgNews);

        var loaded = EngineRun.Loader().Load(workflow.Path);

        Assert.That(loaded.IsValid, Is.False);
        Assert.That(string.Join("\n", loaded.Diagnostics), Does.Match(@"workflow\.yaml:5:\d+ step 'ingest': header: false needs column_names"));
    }
}
