using Workflows.Steps.Datasets;

namespace Workflows.Steps.Augment;

/// <summary>One augmentation: maps a row to the rows that take its place (itself and new ones, or a
/// transformed copy). New rows are made with <see cref="DatasetRow.Derive"/>, which records the source
/// id; random choices must come from <see cref="StableRandom.For"/> seeded with the step seed and the
/// row id, so output is deterministic and independent of row order.</summary>
/// <remarks>This is the extension point for model-based augmenters (see <see cref="IParaphraser"/>).</remarks>
public interface IAugmenter
{
    /// <summary>Short name, used in random seeds and metrics.</summary>
    string Name { get; }

    ValueTask<IReadOnlyList<DatasetRow>> ApplyAsync(DatasetRow row, CancellationToken cancellationToken);
}
