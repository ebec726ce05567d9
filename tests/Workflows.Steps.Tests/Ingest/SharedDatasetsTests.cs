using Workflows.Steps.Datasets;
using Workflows.Steps.Ingest;
using Workflows.Steps.Tests.TestSupport;

namespace Workflows.Steps.Tests.Ingest;

/// <summary>Ingests every dataset in ../shared/data, the real-world test bed.</summary>
[TestFixture]
public sealed class SharedDatasetsTests
{
    private static IEnumerable<TestCaseData> Datasets()
    {
        TestCaseData Case(string path, RowKind kind, long rows, IngestOptions? options = null, long quarantined = 0) =>
            new TestCaseData(options ?? new IngestOptions { Path = $"../shared/data/{path}" }, kind, rows, quarantined)
                .SetName($"RunAsync_{path}_Keeps{rows}");
        yield return Case("alpaca_en_demo/alpaca_en_demo.json", RowKind.Instruction, 999);
        yield return Case("llamafactory_demo/identity.json", RowKind.Instruction, 91);
        yield return Case("llamafactory_demo/dpo_en_demo.json", RowKind.Preference, 300);
        yield return Case("llamafactory_demo/c4_demo.jsonl", RowKind.Text, 300);
        yield return Case("llamafactory_demo/wiki_demo.txt", RowKind.Text, 30);
        yield return Case("gsm8k/test.jsonl", RowKind.Instruction, 1319);
        yield return Case("sst2/dev.tsv", RowKind.Classification, 6735);
        yield return Case("sst2/test.tsv", RowKind.Classification, 872);
        yield return Case("advbench/harmful_behaviors.csv", RowKind.Instruction, 520, new IngestOptions
        {
            Path = "../shared/data/advbench/harmful_behaviors.csv",
            Columns = new ColumnMapping { Prompt = "target", Completion = "goal" },
        });
        // Four dialogues end in an empty reply ("Assistant: "): real bad rows, quarantined under the default tolerance.
        yield return Case("hh-rlhf-harmless/harmless-base-test.jsonl.gz", RowKind.Preference, 2308, quarantined: 4);
        yield return Case("tinystories/TinyStories-valid.txt", RowKind.Text, 19);
        yield return Case("tinystories/tinystories_sample.cs336.txt", RowKind.Text, 5, new IngestOptions
        {
            Path = "../shared/data/tinystories/tinystories_sample.cs336.txt",
            TextSeparator = "<|endoftext|>",
        });
    }

    [TestCaseSource(nameof(Datasets))]
    public async Task RunAsync_SharedDataset_KeepsEveryGoodRowInItsLayout(IngestOptions options, RowKind kind, long rows, long quarantined)
    {
        using var context = new TestStepContext();

        var result = await new IngestStep().RunAsync(options, context, CancellationToken.None);

        Assert.That(result.Error, Is.Null, string.Join("\n", context.Logs));
        var read = await DatasetFile.ReadAllAsync(context.Outputs["dataset"]);
        Assert.That(read, Has.Count.EqualTo(rows));
        Assert.That(read.Select(r => r.Kind), Is.All.EqualTo(kind));
        Assert.That(read.Select(r => r.SourceFile), Is.All.EqualTo(options.Path));
        Assert.That(context.Metrics["rows_quarantined"], Is.EqualTo(quarantined));
        Assert.That(File.ReadLines(Path.Combine(context.Outputs["dataset"], "quarantine.jsonl")).Count(), Is.EqualTo(quarantined));
    }

    [Test]
    public void Datasets_EveryDataFileInSharedData_IsCovered()
    {
        var dataFiles = Directory.EnumerateFiles(RepoPaths.SharedData, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith("LICENSE") && !f.EndsWith(".md"))
            .Select(f => "../shared/data/" + Path.GetRelativePath(RepoPaths.SharedData, f).Replace('\\', '/'));

        var covered = Datasets().Select(c => ((IngestOptions)c.Arguments[0]!).Path);

        Assert.That(covered, Is.EquivalentTo(dataFiles));
    }

    [TestCase("alpaca_en_demo/alpaca_en_demo.json")]
    [TestCase("llamafactory_demo/dpo_en_demo.json")]
    [TestCase("hh-rlhf-harmless/harmless-base-test.jsonl.gz")]
    [TestCase("sst2/test.tsv")]
    public async Task RunAsync_CanonicalParquetOfADataset_ReingestsToTheSameRows(string path)
    {
        using var first = new TestStepContext();
        using var second = new TestStepContext();
        await new IngestStep().RunAsync(new IngestOptions { Path = $"../shared/data/{path}", MaxBadFraction = 0.01 }, first, CancellationToken.None);

        var result = await new IngestStep().RunAsync(new IngestOptions { Path = DatasetFile.PathOf(first.Outputs["dataset"]) }, second, CancellationToken.None);

        Assert.That(result.Error, Is.Null);
        var original = await DatasetFile.ReadAllAsync(first.Outputs["dataset"]);
        var reingested = await DatasetFile.ReadAllAsync(second.Outputs["dataset"]);
        Assert.That(reingested.Select(r => r.Id), Is.EqualTo(original.Select(r => r.Id)));
        Assert.That(reingested.Select(RowText.Of), Is.EqualTo(original.Select(RowText.Of)));
    }
}
