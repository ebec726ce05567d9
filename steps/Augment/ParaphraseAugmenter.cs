using Workflows.Steps.Datasets;

namespace Workflows.Steps.Augment;

/// <summary>Adds copies whose prompt is paraphrased by an <see cref="IParaphraser"/> (the base model,
/// once the device engine provides one). Seeded per row, so a deterministic paraphraser gives a
/// deterministic dataset.</summary>
public sealed class ParaphraseAugmenter(IParaphraser paraphraser, int copies, int seed) : IAugmenter
{
    public string Name => "paraphrase";

    public async ValueTask<IReadOnlyList<DatasetRow>> ApplyAsync(DatasetRow row, CancellationToken cancellationToken)
    {
        if (RowTexts.Prompt(row) is not { } prompt) return [row];
        var paraphrases = await paraphraser.ParaphraseAsync(prompt, copies, StableRandom.Hash(seed, Name, row.Id), cancellationToken);
        return [row, .. paraphrases.Where(p => !string.IsNullOrWhiteSpace(p) && p != prompt)
            .Select(p => row.Derive(r => RowTexts.WithPrompt(r, p)))];
    }
}
