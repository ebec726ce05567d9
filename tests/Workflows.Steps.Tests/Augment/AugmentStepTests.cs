using Workflows.Steps.Augment;
using Workflows.Steps.Datasets;
using Workflows.Steps.Ingest;
using Workflows.Steps.Tests.TestSupport;

namespace Workflows.Steps.Tests.Augment;

[TestFixture]
public sealed class AugmentStepTests
{
    private static async Task<List<DatasetRow>> RunAsync(TestStepContext context, AugmentOptions options)
    {
        var result = await new AugmentStep().RunAsync(options, context, CancellationToken.None);
        Assert.That(result.Error, Is.Null);
        return await DatasetFile.ReadAllAsync(context.Outputs["dataset"]);
    }

    [Test]
    public async Task RunAsync_IdentityJsonTemplateVars_FillsEveryPlaceholderAndKeepsSourceIds()
    {
        using var ingest = new TestStepContext();
        await new IngestStep().RunAsync(new IngestOptions { Path = "../shared/data/llamafactory_demo/identity.json" }, ingest, CancellationToken.None);
        var original = await DatasetFile.ReadAllAsync(ingest.Outputs["dataset"]);
        using var context = new TestStepContext();

        var rows = await RunAsync(context, new AugmentOptions
        {
            Dataset = ingest.Outputs["dataset"],
            TemplateVars = new() { ["name"] = "Sparky", ["author"] = "Workflows" },
        });

        Assert.That(rows, Has.Count.EqualTo(original.Count));
        Assert.That(rows.Select(r => r.ContentText()), Has.None.Contains("{{"));
        Assert.That(rows.Select(r => r.Output), Has.Some.Contains("I am Sparky, an AI assistant developed by Workflows"));
        Assert.That(rows.Select(r => r.SourceId), Is.EqualTo(original.Select(r => r.Id)));
        Assert.That(rows.Select(r => r.Id), Is.EqualTo(rows.Select(RowId.Of)));
        Assert.That(context.Metrics["rows_templated"], Is.EqualTo(original.Count(r => r.ContentText().Contains("{{"))));
    }

    [Test]
    public async Task RunAsync_TemplateVarSets_MakesOneRowPerSetAndLeavesPlainRows()
    {
        using var context = new TestStepContext();
        var plain = Rows.Instruction("hi", "hello");
        var dataset = await Rows.WriteDatasetAsync(context, [Rows.Instruction("who?", "I am {{ name }}."), plain]);

        var rows = await RunAsync(context, new AugmentOptions
        {
            Dataset = dataset,
            TemplateVarSets = [new() { ["name"] = "Sparky" }, new() { ["name"] = "Bolt" }],
        });

        Assert.That(rows.Select(r => r.Output), Is.EqualTo(new[] { "I am Sparky.", "I am Bolt.", "hello" }));
        Assert.That(rows[2], Is.EqualTo(plain));
    }

    [Test]
    public async Task RunAsync_UnknownTemplateVariable_LeavesItAndWarns()
    {
        using var context = new TestStepContext();
        var dataset = await Rows.WriteDatasetAsync(context, [Rows.Instruction("who?", "I am {{name}} by {{author}}.")]);

        var rows = await RunAsync(context, new AugmentOptions { Dataset = dataset, TemplateVars = new() { ["name"] = "Sparky" } });

        Assert.That(rows.Single().Output, Is.EqualTo("I am Sparky by {{author}}."));
        Assert.That(context.Logs, Has.Some.Contains("template variable 'author' has no value"));
        Assert.That(context.Metrics["template_unfilled"], Is.EqualTo(1));
    }

    [Test]
    public async Task RunAsync_Rephrase_AddsCopiesWithEachTemplateAndSameAnswer()
    {
        using var context = new TestStepContext();
        var source = Rows.Instruction("Add 1 and 2", "3");
        var dataset = await Rows.WriteDatasetAsync(context, [source, Rows.Text("plain text")]);

        var rows = await RunAsync(context, new AugmentOptions
        {
            Dataset = dataset,
            Rephrase = new RephraseOptions { Templates = ["Please: {instruction}", "{instruction}, thanks"], Copies = 2 },
        });

        Assert.That(rows, Has.Count.EqualTo(4));
        Assert.That(rows.Take(3).Select(r => r.Instruction), Is.EquivalentTo(new[] { "Add 1 and 2", "Please: Add 1 and 2", "Add 1 and 2, thanks" }));
        Assert.That(rows.Take(3).Select(r => (r.Output, r.SourceId)), Is.All.EqualTo(("3", source.Id)));
        Assert.That(rows[3].Text, Is.EqualTo("plain text"));
    }

    [Test]
    public async Task RunAsync_NoiseOnConversation_ChangesOnlyTheUserTurn()
    {
        using var context = new TestStepContext();
        var source = Rows.Chat("please tell me a story about a cat", "Once upon a time");
        var dataset = await Rows.WriteDatasetAsync(context, [source]);

        var rows = await RunAsync(context, new AugmentOptions { Dataset = dataset, Noise = new NoiseOptions { Copies = 3 } });

        Assert.That(rows, Has.Count.EqualTo(4));
        foreach (var noisy in rows.Skip(1))
        {
            Assert.That(noisy.Messages![1].Content, Is.Not.EqualTo(source.Messages![1].Content));
            Assert.That((noisy.Messages[0], noisy.Messages[2]), Is.EqualTo((source.Messages[0], source.Messages[2])));
            Assert.That(noisy.SourceId, Is.EqualTo(source.Id));
        }
    }

    [Test]
    public async Task RunAsync_SameSeedTwice_WritesByteIdenticalOutput_AndOtherSeedDiffers()
    {
        using var setup = new TestStepContext();
        var dataset = await Rows.WriteDatasetAsync(setup, Enumerable.Range(1, 50).Select(n => Rows.Instruction($"question number {n} about cats and dogs", $"answer {n}", n)));
        AugmentOptions Options(int seed) => new()
        {
            Dataset = dataset, Seed = seed,
            Noise = new NoiseOptions { Copies = 2, Rate = 0.3 },
            Rephrase = new RephraseOptions { Templates = ["A: {instruction}", "B: {instruction}", "C: {instruction}"] },
        };
        async Task<byte[]> Bytes(int seed)
        {
            using var context = new TestStepContext();
            await RunAsync(context, Options(seed));
            return await File.ReadAllBytesAsync(DatasetFile.PathOf(context.Outputs["dataset"]));
        }

        var first = await Bytes(7);
        var second = await Bytes(7);
        var other = await Bytes(8);

        Assert.That(second, Is.EqualTo(first));
        Assert.That(other, Is.Not.EqualTo(first));
    }

    [Test]
    public async Task RunAsync_ExactDuplicates_KeepsTheFirst()
    {
        using var context = new TestStepContext();
        var dataset = await Rows.WriteDatasetAsync(context, [Rows.Instruction("a", "b", 1), Rows.Instruction("c", "d", 2), Rows.Instruction("a", "b", 3)]);

        var rows = await RunAsync(context, new AugmentOptions { Dataset = dataset });

        Assert.That(rows.Select(r => r.SourceLine), Is.EqualTo(new long[] { 1, 2 }));
        Assert.That(context.Metrics["rows_removed_exact"], Is.EqualTo(1));
    }

    [Test]
    public async Task RunAsync_NearDuplicates_DropsOtherSourcesButKeepsOwnVariants()
    {
        using var context = new TestStepContext();
        const string story = "the quick brown fox jumps over the lazy dog while the cat sleeps in the warm afternoon sun by the river bank";
        var original = Rows.Text(story, 1);
        var dataset = await Rows.WriteDatasetAsync(context,
        [
            original,
            original.Derive(r => r with { Text = story + " today" }),
            Rows.Text(story + " now", 2),
            Rows.Text("an entirely different sentence about quantum physics and the structure of small particles in a lab", 3),
        ]);

        var rows = await RunAsync(context, new AugmentOptions { Dataset = dataset, Dedup = new DedupOptions { NearThreshold = 0.7 } });

        Assert.That(rows.Select(r => r.SourceLine), Is.EqualTo(new long[] { 1, 1, 3 }));
        Assert.That(context.Metrics["rows_removed_near"], Is.EqualTo(1));
    }

    private static IEnumerable<TestCaseData> InvalidOptions()
    {
        yield return new TestCaseData(new AugmentOptions { Dataset = "", Rephrase = new RephraseOptions { Templates = ["no placeholder"] } }, "has no {instruction} placeholder")
            .SetName("RunAsync_TemplateWithoutPlaceholder_Fails");
        yield return new TestCaseData(new AugmentOptions { Dataset = "", TemplateVars = [], TemplateVarSets = [[]] }, "not both")
            .SetName("RunAsync_BothTemplateVarOptions_Fails");
        yield return new TestCaseData(new AugmentOptions { Dataset = "", TemplateVarSets = [] }, "template_var_sets is empty")
            .SetName("RunAsync_EmptyTemplateVarSets_Fails");
    }

    [TestCaseSource(nameof(InvalidOptions))]
    public async Task RunAsync_InvalidOptions_FailsNamingTheProblem(AugmentOptions options, string error)
    {
        using var context = new TestStepContext();
        var dataset = await Rows.WriteDatasetAsync(context, [Rows.Instruction("a", "b")]);

        var result = await new AugmentStep().RunAsync(options with { Dataset = dataset }, context, CancellationToken.None);

        Assert.That(result.Error, Does.Contain(error));
    }

    [Test]
    public async Task RunAsync_MissingDataset_FailsNamingIt()
    {
        using var context = new TestStepContext();

        var result = await new AugmentStep().RunAsync(new AugmentOptions { Dataset = context.Root }, context, CancellationToken.None);

        Assert.That(result.Error, Does.Contain("no data.parquet"));
    }
}
