using Workflows.Steps.Datasets;

namespace Workflows.Steps.Augment;

/// <summary>The augmenters chosen by the options, in their fixed order, and the checks the options
/// record's attributes cannot express.</summary>
internal sealed class AugmentPipeline
{
    private readonly List<IAugmenter> _augmenters = [];

    private AugmentPipeline(AugmentOptions options)
    {
        var sets = options.TemplateVarSets?.Select(s => (IReadOnlyDictionary<string, string>)s).ToList()
            ?? (options.TemplateVars is { } vars ? [vars] : null);
        if (sets is not null) _augmenters.Add(Templates = new TemplateAugmenter(sets));
        if (options.Rephrase is { } rephrase) _augmenters.Add(new RephraseAugmenter(rephrase, options.Seed));
        if (options.Noise is { } noise) _augmenters.Add(new NoiseAugmenter(noise, options.Seed));
    }

    public TemplateAugmenter? Templates { get; }

    public IEnumerable<IAugmenter> Augmenters => _augmenters;

    /// <summary>Every problem with the options, one line each; empty when they are usable.</summary>
    public static List<string> Validate(AugmentOptions options)
    {
        var problems = new List<string>();
        if (options.TemplateVars is not null && options.TemplateVarSets is not null)
            problems.Add("set template_vars or template_var_sets, not both");
        if (options.TemplateVarSets is { Count: 0 })
            problems.Add("template_var_sets is empty: give at least one set of values");
        foreach (var template in options.Rephrase?.Templates ?? [])
            if (!template.Contains(RephraseAugmenter.Placeholder, StringComparison.Ordinal))
                problems.Add($"rephrase template \"{template}\" has no {RephraseAugmenter.Placeholder} placeholder");
        if (options.Rephrase is { Templates.Count: 0 }) problems.Add("rephrase.templates is empty");
        return problems;
    }

    public static AugmentPipeline FromOptions(AugmentOptions options) => new(options);

    /// <summary>The rows that replace <paramref name="row"/> after every augmenter.</summary>
    public async Task<IReadOnlyList<DatasetRow>> ApplyAsync(DatasetRow row, CancellationToken ct)
    {
        IReadOnlyList<DatasetRow> rows = [row];
        foreach (var augmenter in _augmenters)
        {
            var next = new List<DatasetRow>();
            foreach (var current in rows) next.AddRange(await augmenter.ApplyAsync(current, ct));
            rows = next;
        }
        return rows;
    }
}
