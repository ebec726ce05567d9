using Workflows.Steps.Ingest;
using Workflows.Steps.Tests.TestSupport;

namespace Workflows.Steps.Tests.Ingest;

/// <summary>The default tolerance on a real public dataset with a handful of broken rows: they are
/// quarantined, counted and warned about; strict mode is one option away.</summary>
[TestFixture]
public sealed class IngestBadRowToleranceTests
{
    private const string HhRlhf = "../shared/data/hh-rlhf-harmless/harmless-base-test.jsonl.gz";

    [Test]
    public async Task RunAsync_HhRlhfWithDefaults_IngestsQuarantinesTheEmptyRepliesAndWarns()
    {
        using var context = new TestStepContext();

        var result = await new IngestStep().RunAsync(new IngestOptions { Path = HhRlhf }, context, CancellationToken.None);

        Assert.That(result.Error, Is.Null);
        Assert.That(context.Metrics["rows_read"], Is.EqualTo(2312));
        Assert.That(context.Metrics["rows_quarantined"], Is.EqualTo(4));
        var warning = context.Logs.Single(l => l.StartsWith("Warning:", StringComparison.Ordinal));
        Assert.That(warning, Does.Contain("QUARANTINED 4 of 2,312 rows").And.Contain("harmless-base-test.jsonl.gz:")
            .And.Contain("empty text").And.Contain("quarantine.jsonl").And.Contain("max_bad_fraction: 0"));
    }

    [Test]
    public async Task RunAsync_HhRlhfStrict_FailsNamingTheBadLines()
    {
        using var context = new TestStepContext();

        var result = await new IngestStep().RunAsync(new IngestOptions { Path = HhRlhf, MaxBadFraction = 0 }, context, CancellationToken.None);

        Assert.That(result.Success, Is.False);
        Assert.That(result.Error, Does.Contain("4 of 2,312 rows are bad").And.Contain("harmless-base-test.jsonl.gz:"));
    }

    [Test]
    public async Task RunAsync_CleanFile_LogsNoWarning()
    {
        using var context = new TestStepContext();
        var path = context.WriteFile("a.jsonl", "{\"instruction\": \"a\", \"output\": \"b\"}\n");

        var result = await new IngestStep().RunAsync(new IngestOptions { Path = path }, context, CancellationToken.None);

        Assert.That(result.Error, Is.Null);
        Assert.That(context.Logs, Has.None.StartWith("Warning:"));
    }
}
