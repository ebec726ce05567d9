using Workflows.Steps.Datasets;

namespace Workflows.Steps.Tests.Datasets;

[TestFixture]
public sealed class RowIdTests
{
    private static readonly DatasetRow Row = new()
    {
        Id = "", SourceId = "", SourceFile = "a.jsonl", SourceLine = 3, Kind = RowKind.Instruction, Instruction = "Add 1 and 2", Output = "3",
    };

    [Test]
    public void Of_KnownRow_MatchesGoldenHash()
    {
        // Pins the hash layout: if this changes, every dataset id changes; bump the data steps' versions.
        Assert.That(RowId.Of(Row), Is.EqualTo(GoldenId));
    }

    [Test]
    public void Of_ProvenanceChanged_KeepsTheId()
    {
        Assert.That(RowId.Of(Row with { SourceFile = "b.csv", SourceLine = 99, SourceId = "x" }), Is.EqualTo(RowId.Of(Row)));
    }

    private static IEnumerable<TestCaseData> ContentChanges()
    {
        yield return new TestCaseData(Row with { Output = "4" }).SetName("Of_OutputChanged_ChangesTheId");
        yield return new TestCaseData(Row with { Kind = RowKind.Text }).SetName("Of_KindChanged_ChangesTheId");
        yield return new TestCaseData(Row with { Input = "" }).SetName("Of_EmptyInsteadOfNull_ChangesTheId");
        yield return new TestCaseData(Row with { Instruction = "Add 1 and 23", Output = "" }).SetName("Of_TextMovedBetweenFields_ChangesTheId");
    }

    [TestCaseSource(nameof(ContentChanges))]
    public void Of_ContentChanged_ChangesTheId(DatasetRow changed)
    {
        Assert.That(RowId.Of(changed), Is.Not.EqualTo(RowId.Of(Row)));
    }

    private const string GoldenId = "c961e1ac534af1ace4a7c03a66ffae6e";
}
