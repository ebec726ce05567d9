namespace Workflows.Steps.Augment;

/// <summary>Rewrites a prompt in other words. The seam for paraphrasing with the base model: an
/// implementation in the device engine (generation with a fixed seed) plugs into
/// <see cref="ParaphraseAugmenter"/>; no implementation ships yet, so <c>augment</c> has no paraphrase
/// option until one does.</summary>
public interface IParaphraser
{
    /// <summary>Up to <paramref name="count"/> paraphrases of <paramref name="text"/>; the same seed must
    /// give the same paraphrases.</summary>
    Task<IReadOnlyList<string>> ParaphraseAsync(string text, int count, ulong seed, CancellationToken cancellationToken);
}
