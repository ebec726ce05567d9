using Workflows.Steps.Augment;
using Workflows.Steps.Datasets;
using Workflows.Steps.Ingest;
using Workflows.Steps.Split;
using Workflows.Steps.Tests.TestSupport;

namespace Workflows.Steps.Tests.Split;

[TestFixture]
public sealed class SplitStepTests
{
    private static async Task<Dictionary<string, List<DatasetRow>>> RunAsync(TestStepContext context, SplitOptions options)
    {
        var result = await new SplitStep().RunAsync(options, context, CancellationToken.None);
        Assert.That(result.Error, Is.Null);
        var splits = new Dictionary<string, List<DatasetRow>>();
        foreach (var (name, folder) in context.Outputs) splits[name] = await DatasetFile.ReadAllAsync(folder);
        return splits;
    }

    private static IEnumerable<DatasetRow> Numbered(int count) =>
        Enumerable.Range(1, count).Select(n => Rows.Text($"row {n} {Guid.NewGuid():N}", n, label: n % 10 < 7 ? "pos" : "neg"));

    [Test]
    public async Task RunAsync_RandomRatios_DealsEveryRowOnceInTheRatios()
    {
        using var context = new TestStepContext();
        var rows = Numbered(1000).ToList();
        var dataset = await Rows.WriteDatasetAsync(context, rows);

        var splits = await RunAsync(context, new SplitOptions { Dataset = dataset, Method = SplitMethod.Random, Seed = 3 });

        Assert.That(splits.Keys, Is.EquivalentTo(new[] { "train", "validation", "test" }));
        Assert.That(splits["train"], Has.Count.InRange(799, 801));
        Assert.That(splits["validation"], Has.Count.InRange(99, 101));
        Assert.That(splits.Values.SelectMany(s => s).Select(r => r.Id), Is.EquivalentTo(rows.Select(r => r.Id)));
        Assert.That(context.Metrics["rows_train"], Is.EqualTo(splits["train"].Count));
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public async Task RunAsync_GroupedAugmentedTwins_NeverPutsASourceOnTwoSides(int seed)
    {
        using var context = new TestStepContext();
        var originals = Enumerable.Range(1, 60).Select(n => Rows.Instruction($"question {n} about the weather today", $"answer {n}", n)).ToList();
        var twins = originals.SelectMany((row, n) => Enumerable.Range(1, n % 4).Select(k => row.Derive(r => r with { Instruction = r.Instruction + new string('!', k) })));
        var dataset = await Rows.WriteDatasetAsync(context, originals.Concat(twins));

        var splits = await RunAsync(context, new SplitOptions { Dataset = dataset, Seed = seed, Ratios = new SplitRatios { Train = 0.6, Validation = 0.2, Test = 0.2 } });

        var sidesPerSource = splits.SelectMany(s => s.Value.Select(r => (r.SourceId, Split: s.Key)))
            .GroupBy(p => p.SourceId).Select(g => g.Select(p => p.Split).Distinct().Count());
        Assert.That(sidesPerSource, Is.All.EqualTo(1));
        Assert.That(splits.Values, Is.All.Not.Empty);
        Assert.That(context.Metrics["leakage_exact_pairs"], Is.Zero);
    }

    [Test]
    public async Task RunAsync_StratifiedByLabel_KeepsLabelSharesInEverySplit()
    {
        using var context = new TestStepContext();
        var dataset = await Rows.WriteDatasetAsync(context, Numbered(1000));

        var splits = await RunAsync(context, new SplitOptions { Dataset = dataset, Method = SplitMethod.Stratified, Seed = 11 });

        foreach (var (name, rows) in splits)
            Assert.That(rows.Count(r => r.Label == "pos") / (double)rows.Count, Is.EqualTo(0.7).Within(0.01), name);
    }

    [Test]
    public async Task RunAsync_SameSeedTwice_WritesByteIdenticalSplits()
    {
        using var setup = new TestStepContext();
        var dataset = await Rows.WriteDatasetAsync(setup, Numbered(300));
        async Task<string[]> Digests(int seed)
        {
            using var context = new TestStepContext();
            await RunAsync(context, new SplitOptions { Dataset = dataset, Seed = seed });
            return context.Outputs.OrderBy(o => o.Key)
                .Select(o => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(DatasetFile.PathOf(o.Value)))))
                .ToArray();
        }

        var first = await Digests(5);

        Assert.That(await Digests(5), Is.EqualTo(first));
        Assert.That(await Digests(6), Is.Not.EqualTo(first));
    }

    [Test]
    public async Task RunAsync_TestRatioZero_LeavesTheTestOutputOut()
    {
        using var context = new TestStepContext();
        var dataset = await Rows.WriteDatasetAsync(context, Numbered(20));

        var splits = await RunAsync(context, new SplitOptions { Dataset = dataset, Ratios = new SplitRatios { Train = 0.9, Validation = 0.1, Test = 0 } });

        Assert.That(splits.Keys, Is.EquivalentTo(new[] { "train", "validation" }));
        Assert.That(splits["train"].Count + splits["validation"].Count, Is.EqualTo(20));
    }

    [Test]
    public async Task RunAsync_KFold_ValidationFoldsPartitionTheData()
    {
        using var setup = new TestStepContext();
        var rows = Numbered(100).ToList();
        var dataset = await Rows.WriteDatasetAsync(setup, rows);
        var validation = new List<string>();

        for (var fold = 0; fold < 4; fold++)
        {
            using var context = new TestStepContext();
            var splits = await RunAsync(context, new SplitOptions { Dataset = dataset, KFold = new KFoldOptions { Folds = 4, Fold = fold } });
            Assert.That(splits["validation"], Has.Count.EqualTo(25));
            Assert.That(splits["train"], Has.Count.EqualTo(75));
            validation.AddRange(splits["validation"].Select(r => r.Id));
        }

        Assert.That(validation, Is.EquivalentTo(rows.Select(r => r.Id)));
    }

    [Test]
    public async Task RunAsync_PersonaPipeline_IngestAugmentSplitKeepsTwinsTogether()
    {
        using var ingest = new TestStepContext();
        await new IngestStep().RunAsync(new IngestOptions { Path = "../shared/data/llamafactory_demo/identity.json" }, ingest, CancellationToken.None);
        using var augment = new TestStepContext();
        await new AugmentStep().RunAsync(new AugmentOptions
        {
            Dataset = ingest.Outputs["dataset"],
            TemplateVars = new() { ["name"] = "Sparky", ["author"] = "Workflows" },
            Noise = new NoiseOptions { Copies = 2 },
        }, augment, CancellationToken.None);
        using var context = new TestStepContext();

        var splits = await RunAsync(context, new SplitOptions { Dataset = augment.Outputs["dataset"], Seed = 7 });

        var train = splits["train"].Select(r => r.SourceId).ToHashSet();
        Assert.That(splits["validation"].Concat(splits["test"]).Select(r => r.SourceId), Has.None.Matches<string>(train.Contains));
        Assert.That(splits.Values.Sum(s => s.Count), Is.EqualTo(augment.Metrics["rows_out"]));
    }
}
