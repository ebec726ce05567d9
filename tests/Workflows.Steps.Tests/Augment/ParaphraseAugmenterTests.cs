using Workflows.Steps.Augment;
using Workflows.Steps.Tests.TestSupport;

namespace Workflows.Steps.Tests.Augment;

[TestFixture]
public sealed class ParaphraseAugmenterTests
{
    private sealed class ReversingParaphraser : IParaphraser
    {
        public List<ulong> Seeds { get; } = [];

        public Task<IReadOnlyList<string>> ParaphraseAsync(string text, int count, ulong seed, CancellationToken cancellationToken)
        {
            Seeds.Add(seed);
            var words = text.Split(' ');
            return Task.FromResult<IReadOnlyList<string>>([string.Join(' ', words.Reverse()), text]);
        }
    }

    [Test]
    public async Task ApplyAsync_Paraphrases_AddsRowsForNewTextsWithSourceIdAndStableSeed()
    {
        var paraphraser = new ReversingParaphraser();
        var augmenter = new ParaphraseAugmenter(paraphraser, copies: 2, seed: 5);
        var row = Rows.Instruction("add one and two", "3");

        var rows = await augmenter.ApplyAsync(row, CancellationToken.None);
        await augmenter.ApplyAsync(row, CancellationToken.None);

        Assert.That(rows.Select(r => r.Instruction), Is.EqualTo(new[] { "add one and two", "two and one add" }));
        Assert.That(rows[1].SourceId, Is.EqualTo(row.Id));
        Assert.That(paraphraser.Seeds.Distinct().Count(), Is.EqualTo(1));
    }
}
